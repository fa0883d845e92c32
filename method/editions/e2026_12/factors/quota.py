"""Quota headroom, per upstream source: does each source's quota holder hold the right
allocation (kind from the form, category from the source's ore) in the as-of cycle?"""

from __future__ import annotations

from collections.abc import Sequence

from method.editions.e2026_12.choices import UPSTREAM_KINDS, Severity
from method.editions.e2026_12.factors.context import (
    Context,
    QuotaBasis,
    joined,
    source_basis,
    unsourced,
)
from method.editions.e2026_12.factors.producer import short_group, source_heading
from method.editions.e2026_12.factors.quota_cycle import CycleUsed, Holding, cycle_used, holding
from method.editions.e2026_12.inputs import SourceFacts
from method.editions.e2026_12.result import FactorResult, worst

FACTOR = "quota_headroom"
_FULL = 1.0
_NEARLY_FULL = 0.9


def _result(
    severity: Severity, reason: str, cycle: CycleUsed | None = None, steps: Sequence[str] = ()
) -> FactorResult:
    evidence = (cycle.evidence,) if cycle is not None else ()
    return FactorResult(FACTOR, severity, reason, evidence, tuple(steps))


def _utilisation(held: Holding) -> float | None:
    if held.status != "held" or held.utilised is None or not held.tonnes:
        return None
    return held.utilised / held.tonnes


def _utilisation_severity(share: float | None) -> Severity:
    if share is None:
        return "none"
    if share >= _FULL:
        return "high"
    return "medium" if share >= _NEARLY_FULL else "none"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _describe(held: Holding, label: str, kind: str, category: str) -> str:
    what = f"{category} {kind} allocation"
    if held.note:
        predicate = held.note
    elif held.status == "none":
        predicate = f"holds no {what}"
    elif held.status == "unknown":
        predicate = f"holds {_article(what)} of unknown volume"
    else:
        predicate = f"holds {_article(what)} of {held.tonnes:,.0f} t"
    share = _utilisation(held)
    used = f", {share:.0%} used" if share is not None else ""
    return f"{label} {predicate}{used}"


def _judge(source: SourceFacts, basis: QuotaBasis, ctx: Context):
    """(severity, sentence, cycle used or None) for one source's quota holder."""
    heading = source_heading(source)
    category = "any" if basis.category == "any" else basis.category
    producer = source.producer
    if producer is None or producer.kind not in UPSTREAM_KINDS:
        return "medium", f"{heading}: no quota holder known until the plant is evidenced", None
    holder_key = producer.quota_holder_key
    holder = short_group(producer.quota_holder_name or "") or holder_key
    if not holder_key:
        group = producer.group_name or producer.name
        return "high", f"{heading}: {group} has no quota-holding group, so it holds no quota", None
    quota = ctx.inputs.quota_for(holder_key)
    if quota is None:
        return (
            "medium",
            f"{heading}: no quota data for {ctx.as_of.year} was supplied - verify",
            None,
        )
    cycle = cycle_used(quota, holder)
    held = holding(cycle, basis)
    parts = [cycle.gap] if cycle.gap else []
    if not quota.published and not cycle.gap:
        parts.append(
            f"{quota.cycle_year} quota volumes are unpublished and no earlier published "
            f"cycle holds an allocation for {holder}"
        )
    parts.append(_describe(held, f"{holder} ({cycle.label})", basis.kind, category))
    if basis.assumed:
        parts.append(f"{category} assumed from the element (ore not declared)")
    severity = worst(
        "high" if held.status == "none" else "none",
        "medium" if cycle.gap or not quota.published or held.status == "unknown" else "none",
        _utilisation_severity(_utilisation(held)),
    )
    return severity, f"{heading}: " + "; ".join(parts), cycle


def quota_headroom(ctx: Context) -> FactorResult:
    case = ctx.case
    if ctx.quota_basis is None:
        return _result("none", _not_applicable(ctx))
    severities: list[Severity] = []
    sentences: list[str] = []
    evidence = []
    for source in case.sources:
        basis = source_basis(source, case)
        if basis is None:
            continue
        severity, sentence, cycle = _judge(source, basis, ctx)
        severities.append(severity)
        sentences.append(sentence + ".")
        if cycle is not None:
            evidence.append(cycle.evidence)
    missing = unsourced(case, quota_only=True)
    if missing:
        severities.append("medium")
        sentences.append(
            f"Quota cannot be checked for {joined(missing)}: upstream source not evidenced."
        )
    if not sentences:
        return _result("none", "No upstream source needs a quota allocation.")
    severity = worst(*severities)
    steps = ["ask the supplier for evidence of the producer's quota"] if severity != "none" else []
    return FactorResult(
        FACTOR,
        severity,
        " ".join(sentences),
        tuple(dict.fromkeys(evidence)),
        tuple(steps),
    )


def _not_applicable(ctx: Context) -> str:
    if ctx.case.product_form in ("equipment", "technology"):
        return f"Not applicable: {ctx.case.product_form} is not quota-controlled output."
    return "Not applicable: none of the declared elements is mined under a quota category."

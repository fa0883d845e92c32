"""Quota headroom, per upstream source: does each source's quota holder hold the right
allocation (kind from the form, category from the source's ore) in the as-of cycle?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from method.editions.e2026_12_2.choices import UPSTREAM_KINDS, Severity
from method.editions.e2026_12_2.factors.context import (
    Context,
    QuotaBasis,
    joined,
    source_basis,
    unsourced,
)
from method.editions.e2026_12_2.factors.producer import short_group, source_heading
from method.editions.e2026_12_2.factors.quota_cycle import (
    CycleUsed,
    Holding,
    cycle_used,
    holding,
    recorded_confidence,
)
from method.editions.e2026_12_2.inputs import SourceFacts
from method.editions.e2026_12_2.result import FactorResult, worst

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


@dataclass(frozen=True, slots=True)
class _Judged:
    severity: Severity
    sentence: str
    cycle: CycleUsed | None = None
    caveat: str = ""  # a system-wide caveat behind a medium (unpublished volumes)


def _judge(source: SourceFacts, basis: QuotaBasis, ctx: Context) -> _Judged:
    """One source's quota holder against the cycle it is judged on."""
    heading = source_heading(source)
    category = "any" if basis.category == "any" else basis.category
    producer = source.producer
    if producer is None or producer.kind not in UPSTREAM_KINDS:
        return _Judged("medium", f"{heading}: no quota holder known until the plant is evidenced")
    holder_key = producer.quota_holder_key
    holder = short_group(producer.quota_holder_name or "") or holder_key
    if not holder_key:
        group = producer.group_name or producer.name
        return _Judged(
            "high", f"{heading}: {group} has no quota-holding group, so it holds no quota"
        )
    quota = ctx.inputs.quota_for(holder_key)
    if quota is None:
        return _Judged(
            "medium", f"{heading}: no quota data for {ctx.as_of.year} was supplied - verify"
        )
    cycle = cycle_used(quota, holder)
    held = holding(cycle, basis)
    parts = [cycle.gap] if cycle.gap else []
    caveat = ""
    if not quota.published:
        caveat = f"{quota.cycle_year} quota volumes are unpublished"
        if not cycle.gap and cycle.year == quota.cycle_year and quota.allocations:
            parts.append(f"{caveat}; allocations recorded by staff are judged")
        elif not cycle.gap:
            parts.append(
                f"{caveat} and no earlier published cycle holds an allocation for {holder}"
            )
    parts.append(_describe(held, f"{holder} ({cycle.label})", basis.kind, category))
    if basis.assumed:
        parts.append(f"{category} assumed from the element (ore not declared)")
    confidence = recorded_confidence(cycle)
    recorded = cycle.year == quota.cycle_year and not quota.published
    if confidence != "official":
        parts.append(f"volumes {confidence}, not official - verify")
    severity = worst(
        "high" if held.status == "none" else "none",
        "medium" if cycle.gap or held.status == "unknown" else "none",
        "medium" if not quota.published and not quota.allocations else "none",
        "low" if confidence != "official" or recorded else "none",
        _utilisation_severity(_utilisation(held)),
    )
    # The caveat is behind the severity only when nothing case-specific is.
    own = worst(
        "high" if held.status == "none" else "none",
        "medium" if held.status == "unknown" and not cycle.gap else "none",
        _utilisation_severity(_utilisation(held)),
    )
    if not caveat or own == severity:
        caveat = ""
    return _Judged(severity, f"{heading}: " + "; ".join(parts), cycle, caveat)


def quota_headroom(ctx: Context) -> FactorResult:
    case = ctx.case
    if ctx.quota_basis is None:
        return _result("none", _not_applicable(ctx))
    severities: list[Severity] = []
    own: list[Severity] = []  # severities with a case-specific cause
    caveats: list[tuple[Severity, str]] = []
    sentences: list[str] = []
    evidence = []
    for source in case.sources:
        basis = source_basis(source, case)
        if basis is None:
            continue
        judged = _judge(source, basis, ctx)
        severities.append(judged.severity)
        sentences.append(judged.sentence + ".")
        if judged.cycle is not None:
            evidence.append(judged.cycle.evidence)
        if judged.caveat:
            caveats.append((judged.severity, judged.caveat))
        else:
            own.append(judged.severity)
    missing = unsourced(case, quota_only=True)
    if missing:
        severities.append("medium")
        own.append("medium")
        sentences.append(
            f"Quota cannot be checked for {joined(missing)}: upstream source not evidenced."
        )
    if not sentences:
        return _result("none", "No upstream source needs a quota allocation.")
    severity = worst(*severities)
    steps = ["ask the supplier for evidence of the producer's quota"] if severity != "none" else []
    # A system-wide caveat marks the factor only when it alone sets the severity.
    caveat = ""
    if caveats and worst(*own) != severity:
        caveat = caveats[0][1]
    return FactorResult(
        FACTOR,
        severity,
        " ".join(sentences),
        tuple(dict.fromkeys(evidence)),
        tuple(steps),
        caveat=caveat,
    )


def _not_applicable(ctx: Context) -> str:
    if ctx.case.product_form in ("equipment", "technology"):
        return f"Not applicable: {ctx.case.product_form} is not quota-controlled output."
    return "Not applicable: none of the declared elements is mined under a quota category."

"""Quota headroom: does the quota holder hold the right allocation in the as-of cycle?"""

from __future__ import annotations

from collections.abc import Sequence

from method.editions.e2026_11.choices import Severity
from method.editions.e2026_11.factors.context import Context
from method.editions.e2026_11.factors.quota_cycle import CycleUsed, Holding, cycle_used, holding
from method.editions.e2026_11.result import FactorResult, worst

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


def quota_headroom(ctx: Context) -> FactorResult:
    basis = ctx.quota_basis
    if basis is None:
        return _result("none", _not_applicable(ctx))
    producer, quota = ctx.case.producer, ctx.inputs.quota
    if producer is None:
        return _result("medium", "No producer declared, so its quota cannot be checked.")
    holder = producer.quota_holder_name or producer.quota_holder_key
    if not holder:
        group = producer.group_name or producer.name
        return _result("high", f"{group} has no quota-holding group, so it holds no quota.")
    if quota is None:
        return _result("medium", f"No quota data for {ctx.as_of.year} was supplied - verify.")
    cycle = cycle_used(quota, holder)
    held = holding(cycle, basis)
    sentences = [cycle.gap.capitalize()] if cycle.gap else []
    if not quota.published and not cycle.gap:
        sentences.append(
            f"{quota.cycle_year} quota volumes are unpublished and no earlier published "
            f"cycle holds an allocation for {holder}"
        )
    sentences.append(_describe(held, f"{holder} ({cycle.label})", basis.kind, basis.category))
    severity = worst(
        "high" if held.status == "none" else "none",
        "medium" if cycle.gap or not quota.published or held.status == "unknown" else "none",
        _utilisation_severity(_utilisation(held)),
    )
    steps = ["ask the supplier for evidence of the producer's quota"] if severity != "none" else []
    return _result(severity, ". ".join(sentences) + ".", cycle, steps)


def _not_applicable(ctx: Context) -> str:
    if ctx.case.product_form in ("equipment", "technology"):
        return f"Not applicable: {ctx.case.product_form} is not quota-controlled output."
    return "Not applicable: none of the declared elements is mined under a quota category."

"""Combining the six factors into a band and a score.

Band: at least the worst factor's severity ('none' and 'low' give 'low'); three or more
factors at medium or worse raise the band to at least 'high' (several independent doubts
about one shipment rarely all resolve in time). A factor at medium only because of a
system-wide caveat (unpublished quota volumes) is not such a doubt and weighs as low.
Nothing but a factor's own 'critical' makes a case critical: critical means "will not
execute as planned".

Score (0-100): the band's base (low 0, medium 25, high 50, critical 76) plus the factors'
weights (low 1, medium 3, high 5, critical 8), capped at 24. The cap keeps each band's
scores below the next band's base, so sorting by score sorts by band first; both parts
only grow when a factor worsens, so the score is monotone.
"""

from __future__ import annotations

from collections.abc import Callable

from method.editions.e2026_12_2.choices import BAND_RANK, BANDS, FACTORS, SEVERITY_RANK, Band
from method.editions.e2026_12_2.factors import (
    Context,
    build_context,
    documents,
    end_use,
    licence,
    producer_eligibility,
    product_scope,
    quota_headroom,
)
from method.editions.e2026_12_2.factors.licence import decision_due
from method.editions.e2026_12_2.inputs import AssessmentInputs
from method.editions.e2026_12_2.result import AssessmentResult, FactorResult

METHOD_VERSION = "2026.12-2"

FACTOR_FUNCTIONS: tuple[Callable[[Context], FactorResult], ...] = (
    product_scope,
    producer_eligibility,
    quota_headroom,
    licence,
    documents,
    end_use,
)
ACCUMULATION_COUNT = 3  # this many factors at medium or worse ...
ACCUMULATION_BAND: Band = "high"  # ... give at least this band
BAND_BASE: dict[str, int] = {"low": 0, "medium": 25, "high": 50, "critical": 76}
SEVERITY_WEIGHT: dict[str, int] = {"none": 0, "low": 1, "medium": 3, "high": 5, "critical": 8}
WITHIN_BAND_CAP = 24


def _floor_band(factors: tuple[FactorResult, ...]) -> Band:
    worst_rank = max((factor.rank for factor in factors), default=0)
    # Severity ranks none=0 .. critical=4; band ranks low=0 .. critical=3.
    return BANDS[max(worst_rank - 1, 0)]


def _doubtful(factor: FactorResult) -> bool:
    """A doubt about this shipment: medium or worse for a reason of its own (a system-wide
    caveat such as unpublished quota volumes applies to every case alike and does not add
    up with other doubts: DOMAIN, second edition)."""
    if factor.caveat and factor.severity == "medium":
        return False
    return factor.rank >= SEVERITY_RANK["medium"]


def _weight(factor: FactorResult) -> int:
    if factor.caveat and factor.severity == "medium":
        return SEVERITY_WEIGHT["low"]
    return SEVERITY_WEIGHT[factor.severity]


def band_for(factors: tuple[FactorResult, ...]) -> Band:
    band = _floor_band(factors)
    doubtful = sum(1 for factor in factors if _doubtful(factor))
    if doubtful >= ACCUMULATION_COUNT and BAND_RANK[band] < BAND_RANK[ACCUMULATION_BAND]:
        band = ACCUMULATION_BAND
    return band


def score_for(band: Band, factors: tuple[FactorResult, ...]) -> int:
    weight = sum(_weight(factor) for factor in factors)
    return BAND_BASE[band] + min(weight, WITHIN_BAND_CAP)


def _ordered(factors: tuple[FactorResult, ...]) -> tuple[FactorResult, ...]:
    position = {name: index for index, name in enumerate(FACTORS)}
    return tuple(sorted(factors, key=lambda f: (-f.rank, position[f.factor])))


def assess(inputs: AssessmentInputs, *, inputs_hash: str | None = None) -> AssessmentResult:
    """Assess one case as of `inputs.as_of`. Pure: the same inputs give the same result.

    `inputs_hash`, when given, must be `inputs.inputs_hash()` already computed by the caller
    (a batch re-score encodes the inputs once for both the stored JSON and the hash).
    """
    ctx = build_context(inputs)
    factors = _ordered(tuple(function(ctx) for function in FACTOR_FUNCTIONS))
    band = band_for(factors)
    due = decision_due(ctx)
    return AssessmentResult(
        band=band,
        score=score_for(band, factors),
        factors=factors,
        method_version=METHOD_VERSION,
        licence_required=ctx.licence_required,
        decision_due=due.earliest if due else None,
        summary=factors[0].reason,
        inputs_hash=inputs_hash if inputs_hash is not None else inputs.inputs_hash(),
        decision_due_latest=due.latest if due and due.latest != due.earliest else None,
        caveats=tuple(dict.fromkeys(factor.caveat for factor in factors if factor.caveat)),
    )

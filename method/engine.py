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
from dataclasses import replace

from method.choices import BAND_RANK, BANDS, FACTOR_LABELS, FACTORS, SEVERITY_RANK, Band
from method.dispositions import decided_by, factor_basis
from method.factors import (
    Context,
    build_context,
    documents,
    end_use,
    licence,
    producer_eligibility,
    product_scope,
    quota_headroom,
)
from method.factors.context import Hit, disposition_check
from method.factors.licence import decision_due, file_by
from method.inputs import AssessmentInputs, DispositionFacts
from method.result import AssessmentResult, DispositionOutcome, Evidence, FactorResult
from method.verdict import next_steps_for, verdict_for

METHOD_VERSION = "2026.12-3"

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


def _accepted(
    factor: FactorResult, disposition: DispositionFacts, inputs: AssessmentInputs
) -> tuple[FactorResult | None, DispositionOutcome]:
    """A risk accepted on `factor`: it weighs as low while the factor's severity is no worse
    than the one accepted and the case facts it reads are as they were; otherwise the
    disposition reopens (or lapses on its expiry) and the factor stands."""
    problem = disposition_check(disposition, inputs.today, factor_basis(inputs.case, factor.factor))
    if problem is None and factor.rank > SEVERITY_RANK[disposition.accepted_severity]:
        problem = DispositionOutcome(
            disposition.id,
            "reopened",
            f"the {FACTOR_LABELS[factor.factor].lower()} factor rose from "
            f"{disposition.accepted_severity} to {factor.severity}",
        )
    if problem is not None:
        return None, problem
    severity = "low" if factor.rank > SEVERITY_RANK["low"] else factor.severity
    why = f" ({disposition.reason})" if disposition.reason else ""
    decided = replace(
        factor,
        severity=severity,
        reason=f"Risk accepted at {disposition.accepted_severity} {decided_by(disposition)}"
        f"{why}. {factor.reason}",
        evidence=(*factor.evidence, _disposition_evidence(disposition)),
        next_steps=(),
        caveat="",
    )
    return decided, DispositionOutcome(disposition.id, "applied")


def _disposition_evidence(disposition: DispositionFacts, hit: Hit | None = None) -> Evidence:
    kind = {
        "false_positive": "cleared as a false positive",
        "confirmed_match": "confirmed as the listed party",
        "risk_accepted": f"risk accepted at {disposition.accepted_severity}",
    }[disposition.kind]
    subject = f"'{hit.party.name}' vs '{hit.entry.name}' ({hit.entry.list_name}): " if hit else ""
    return Evidence(
        "disposition",
        str(disposition.id),
        f"{subject}{kind} {decided_by(disposition)}",
        window=f"approved {disposition.decided_on}"
        + (f", expires {disposition.expires_on}" if disposition.expires_on else ""),
        matched=hit.match.described if hit else "",
        data_version=f"disposition {disposition.id}",
        confidence="decided",
    )


def _decide(
    raw: tuple[FactorResult, ...], ctx: Context
) -> tuple[tuple[FactorResult, ...], tuple[DispositionOutcome, ...], frozenset[str]]:
    """The decided factors: the factors on the decided context (screening dispositions
    applied), then each accepted risk, each marked with its raw severity."""
    inputs = ctx.inputs
    by_name = {factor.factor: factor for factor in raw}
    decided = {f.factor: f for f in (function(ctx) for function in FACTOR_FUNCTIONS)}
    outcomes = list(ctx.screening_outcomes)
    if ctx.decided_hits:
        end = decided["end_use"]
        cleared = tuple(_disposition_evidence(d.disposition, d.hit) for d in ctx.decided_hits)
        decided["end_use"] = replace(end, evidence=(*end.evidence, *cleared))
    accepted: set[str] = set()
    for disposition in inputs.dispositions:
        if disposition.kind != "risk_accepted":
            continue
        factor, outcome = _accepted(decided[disposition.factor], disposition, inputs)
        outcomes.append(outcome)
        if factor is not None:
            decided[disposition.factor] = factor
            accepted.add(disposition.factor)
    marked = tuple(
        replace(factor, raw_severity=by_name[name].severity)
        if factor.severity != by_name[name].severity
        else factor
        for name, factor in decided.items()
    )
    return _ordered(marked), tuple(sorted(outcomes, key=lambda o: o.id)), frozenset(accepted)


def assess(inputs: AssessmentInputs, *, inputs_hash: str | None = None) -> AssessmentResult:
    """Assess one case as of `inputs.as_of`. Pure: the same inputs give the same result.

    `inputs_hash`, when given, must be `inputs.inputs_hash()` already computed by the caller
    (a batch re-score encodes the inputs once for both the stored JSON and the hash).

    With dispositions the method runs twice: once ignoring them (the raw band) and once
    applying those still in force (the decided band); the result carries both.
    """
    raw_ctx = build_context(inputs, decided=False)
    raw = _ordered(tuple(function(raw_ctx) for function in FACTOR_FUNCTIONS))
    raw_band = band_for(raw)
    if inputs.dispositions:
        ctx = build_context(inputs)
        factors, outcomes, accepted = _decide(raw, ctx)
    else:
        ctx, factors, outcomes, accepted = raw_ctx, raw, (), frozenset()
    band = band_for(factors)
    score = score_for(band, factors)
    due = decision_due(ctx)
    verdict, verdict_text = verdict_for(factors)
    return AssessmentResult(
        band=band,
        score=score,
        factors=factors,
        method_version=METHOD_VERSION,
        licence_required=ctx.licence_required,
        decision_due=due.earliest if due else None,
        summary=factors[0].reason,
        inputs_hash=inputs_hash if inputs_hash is not None else inputs.inputs_hash(),
        decision_due_latest=due.latest if due and due.latest != due.earliest else None,
        caveats=tuple(dict.fromkeys(factor.caveat for factor in factors if factor.caveat)),
        raw_band=raw_band,
        raw_score=score_for(raw_band, raw),
        verdict=verdict,
        verdict_text=verdict_text,
        next_steps=next_steps_for(
            factors,
            verdict,
            licence_required=ctx.licence_required,
            ship_by=ctx.case.planned_ship_date if ctx.passed_ship_date is None else None,
            file_by=file_by(ctx),
            accepted=accepted,
        ),
        dispositions=outcomes,
    )

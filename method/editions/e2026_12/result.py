"""What the method returns: one result per factor, and the assessment that combines them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.editions.e2026_12._codec import PlainMixin
from method.editions.e2026_12.choices import (
    BANDS,
    FACTORS,
    SEVERITIES,
    SEVERITY_RANK,
    Band,
    Severity,
    one_of,
)


@dataclass(frozen=True, slots=True)
class Evidence(PlainMixin):
    # measure | list_version | quota_cycle | watch_entry | calendar | document | producer
    kind: str
    ref_id: str  # the referenced row's id (or key) as text; '' when there is no row
    label: str  # shown to the officer; carries "(unverified)" for unconfirmed facts


@dataclass(frozen=True, slots=True)
class FactorResult(PlainMixin):
    factor: str
    severity: Severity
    reason: str
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        one_of(self.factor, FACTORS, "factor")
        one_of(self.severity, SEVERITIES, "severity")

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


@dataclass(frozen=True, slots=True)
class AssessmentResult(PlainMixin):
    band: Band
    score: int  # 0-100; band dominates, so sorting by score sorts by band first
    factors: tuple[FactorResult, ...]  # worst first; ties in FACTORS order
    method_version: str
    licence_required: bool
    decision_due: dt.date | None  # MOFCOM's 45-working-day date for a pending application
    summary: str  # the worst factor's reason, for a register row
    inputs_hash: str

    def __post_init__(self) -> None:
        one_of(self.band, BANDS, "band")
        if not 0 <= self.score <= 100:
            raise ValueError(f"score must be within 0-100; got {self.score}")

    def factor(self, name: str) -> FactorResult:
        for result in self.factors:
            if result.factor == name:
                return result
        raise KeyError(name)


def worst(*severities: Severity) -> Severity:
    """The most severe of several severities ('none' when given nothing)."""
    return max(severities, key=SEVERITY_RANK.__getitem__, default="none")


def unverified_suffix(confidence: str) -> str:
    """Label suffix for reference facts no source confirmed (README: never show as fact)."""
    return " (unverified)" if confidence in ("unconfirmed", "estimated") else ""

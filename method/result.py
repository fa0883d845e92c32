"""What the method returns: one result per factor, and the assessment that combines them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method._codec import PlainMixin
from method.choices import (
    ACTORS,
    BANDS,
    DISPOSITION_OUTCOMES,
    FACTORS,
    SEVERITIES,
    SEVERITY_RANK,
    VERDICTS,
    Band,
    Severity,
    one_of,
)


@dataclass(frozen=True, slots=True)
class Evidence(PlainMixin):
    """One fact a finding rests on, structured as an auditor reads it (DOMAIN, second
    edition, "Evidence an auditor accepts"). `label` is the one-line form; the other fields
    are '' where they do not apply."""

    # measure | list_version | quota_cycle | watch_entry | calendar | document | producer
    # | hs_code | destination | licence | technology
    kind: str
    ref_id: str  # the referenced row's id (or key) as text; '' when there is no row
    label: str  # shown to the officer; carries "(unverified)" for unconfirmed facts
    instrument: str = ""  # number and title of the instrument
    layer: str = ""  # the control layer(s) it acts in: "licence", "prohibition, technology"
    window: str = ""  # "in force from 2025-04-04", "2025-11-07 to 2026-11-10"
    suspension: str = ""  # "suspended by No. 70 of 2025 until 2026-11-10" / "lapsed ... - verify"
    matched: str = ""  # how it matched: "elements Dy, Tb; form oxide", "HS 2846901500", ...
    control_code: str = ""  # e.g. 1E902.a
    data_version: str = ""  # list version, quota cycle and batch, watch-list notice
    confidence: str = ""  # confirmed | derived | unverified | reported ...


@dataclass(frozen=True, slots=True)
class FactorResult(PlainMixin):
    factor: str
    severity: Severity
    reason: str
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()
    # A system-wide caveat (e.g. "2026 quota volumes unpublished") behind this severity:
    # shown once, and it does not add up with other doubts (DOMAIN, second edition).
    caveat: str = ""
    # Where an approved disposition decided this factor: its severity without dispositions
    # ('' = the same as `severity`).
    raw_severity: str = ""

    def __post_init__(self) -> None:
        one_of(self.factor, FACTORS, "factor")
        one_of(self.severity, SEVERITIES, "severity")
        if self.raw_severity:
            one_of(self.raw_severity, SEVERITIES, "raw_severity")

    @property
    def raw(self) -> str:
        return self.raw_severity or self.severity

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


@dataclass(frozen=True, slots=True)
class NextStep(PlainMixin):
    """One thing to do, merged across the factors: who must act and by when."""

    text: str
    who: str  # ACTORS
    factor: str  # the factor it comes from (the worst, where several ask for it)
    by: dt.date | None = None  # the ship date, or earlier (a licence application's latest day)

    def __post_init__(self) -> None:
        one_of(self.who, ACTORS, "next step who")
        one_of(self.factor, FACTORS, "next step factor")


@dataclass(frozen=True, slots=True)
class DispositionOutcome(PlainMixin):
    """What one disposition on the case did in this assessment."""

    id: int
    outcome: str  # DISPOSITION_OUTCOMES
    why: str = ""  # for reopened/lapsed: what changed, in a sentence

    def __post_init__(self) -> None:
        one_of(self.outcome, DISPOSITION_OUTCOMES, "disposition outcome")


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
    # The latest plausible decision date when the count ran through a year with no holiday
    # notice (the range is decision_due .. decision_due_latest).
    decision_due_latest: dt.date | None = None
    caveats: tuple[str, ...] = ()  # system-wide caveats, shown once (banner, dashboard)
    # The band and score without any disposition (DOMAIN: "the raw band ... is always shown
    # beside the decided one"); equal to band/score when no disposition applied.
    raw_band: Band = "low"
    raw_score: int = 0
    verdict: str = "clear"  # VERDICTS
    # "Do not ship: ...", "Hold until ...", "Can ship if ...", "Clear to ship"
    verdict_text: str = ""
    next_steps: tuple[NextStep, ...] = ()  # merged, ordered, free of contradictions
    dispositions: tuple[DispositionOutcome, ...] = ()

    def __post_init__(self) -> None:
        one_of(self.band, BANDS, "band")
        one_of(self.raw_band, BANDS, "raw_band")
        one_of(self.verdict, VERDICTS, "verdict")
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

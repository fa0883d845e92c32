"""The registry's calls upwards (core/ports.py).

`rescore_requested(change_id=...)`: a recorded reference change has committed; re-score the
cases it affects. Provided by assessments (`AssessmentsConfig.ready`), which enqueues the
re-score task. A dead broker must not fail the registry write: the provider logs it and the
periodic check picks the change up.

`impact_preview(apply=...)`: what a proposed registry write would do to the open cases,
before it is made (issue 15): assessments runs the write in a transaction it rolls back,
re-assesses the cases the recorded changes reach on the proposed data, and returns an
`Impact`. Publishing from the pages, the admin and the API goes through it first.
"""

import datetime as dt
from dataclasses import dataclass

from core.ports import Port
from method.choices import BAND_RANK


def band_rank(band: str) -> int:
    return BAND_RANK.get(band, -1)


rescore_requested: Port[None] = Port(
    "registry.rescore_requested",
    provided_by="assessments",
    doc="Re-score the cases a committed ReferenceChange affects (change_id=).",
)


@dataclass(frozen=True)
class ImpactRow:
    """One open case whose band or verdict a proposed reference write would change."""

    case_id: int
    reference: str
    old_band: str
    new_band: str
    old_verdict: str
    new_verdict: str
    new_verdict_text: str
    reason: str  # the new worst factor's reason

    @property
    def direction(self) -> str:
        """worse | better | same (the verdict moved, not the band)."""
        if self.old_band == self.new_band:
            return "same"
        return "worse" if band_rank(self.new_band) > band_rank(self.old_band) else "better"


@dataclass(frozen=True)
class Impact:
    """What a proposed write would do, computed on the proposed data and rolled back."""

    today: dt.date
    changes: tuple[tuple[str, str], ...]  # (kind, summary) of each reference change recorded
    affected: int  # open cases the change(s) reach (re-scored on publish)
    rows: tuple[ImpactRow, ...]  # those whose band or verdict would change, worst first

    @property
    def worse(self) -> int:
        return sum(1 for row in self.rows if row.direction == "worse")

    @property
    def better(self) -> int:
        return sum(1 for row in self.rows if row.direction == "better")


impact_preview: Port[Impact] = Port(
    "registry.impact_preview",
    provided_by="assessments",
    doc="Run apply() (a registry write) in a transaction that is rolled back, and say which "
    "open cases the method, run on the proposed data, would move (apply=, today=None).",
)

"""Building the pure method's inputs from the database: the entry points.

The case side (which columns the method reads, loading cases with them) is in `case_rows`;
the reference side (measures, lists, quota, calendar, watch lists, loaded once per batch)
in `reference`. Both are re-exported here under their old names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from assessments.selectors.case_rows import (
    CASE_COLUMNS,
    CASE_FIELDS_READ,
    case_as_of,
    cases_for_assessment,
    cases_for_assessment_list,
)
from assessments.selectors.reference import CALENDAR_SPAN, ReferenceData, method_settings
from method.inputs import AssessmentInputs
from shipments.models import Case

__all__ = [
    "CALENDAR_SPAN",
    "CASE_COLUMNS",
    "CASE_FIELDS_READ",
    "ReferenceData",
    "assessment_inputs_build",
    "assessment_inputs_build_many",
    "case_as_of",
    "cases_for_assessment",
    "cases_for_assessment_list",
    "method_settings",
    "today_default",
]


def today_default(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def assessment_inputs_build(
    case: Case, *, today: dt.date | None = None
) -> tuple[AssessmentInputs, dict]:
    """The method's inputs for one case, from the database as it is now, and the versions used.

    Re-reads the case so that inputs never come from a stale in-memory object.
    """
    today = today_default(today)
    fresh = cases_for_assessment([case.pk]).get()
    ids = [s.producer_id for s in fresh.assessment_sources if s.producer_id]
    ref = ReferenceData.load(producer_ids=ids)
    return ref.build(fresh, today)


def assessment_inputs_build_many(
    cases: Iterable[Case], today: dt.date | None = None, *, reference: ReferenceData | None = None
) -> list[tuple[AssessmentInputs, dict]]:
    """Inputs for many cases; the cases should come from `cases_for_assessment` (prefetched).

    Reference data is loaded once (or passed in, to share it across chunks).
    """
    today = today_default(today)
    ref = reference or ReferenceData.load()
    return [ref.build(case, today) for case in cases]

"""Reads for assessments, by sub-domain: `inputs` (the pure method's inputs from the
database), `watch` (screening entries), `affected` (which cases a change or the calendar
moves), `history` (snapshots and what changed between them)."""

from assessments.selectors.affected import (
    cases_affected_by,
    cases_behind_changes,
    cases_due_for_sweep,
)
from assessments.selectors.history import FactorChange, assessment_diff, assessment_history
from assessments.selectors.inputs import (
    ReferenceData,
    assessment_inputs_build,
    assessment_inputs_build_many,
    case_as_of,
    cases_for_assessment,
    method_settings,
    today_default,
)
from assessments.selectors.watch import WatchIndex, watch_index

__all__ = [
    "FactorChange",
    "ReferenceData",
    "WatchIndex",
    "assessment_diff",
    "assessment_history",
    "assessment_inputs_build",
    "assessment_inputs_build_many",
    "case_as_of",
    "cases_affected_by",
    "cases_behind_changes",
    "cases_due_for_sweep",
    "cases_for_assessment",
    "method_settings",
    "today_default",
    "watch_index",
]

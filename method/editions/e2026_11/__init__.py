"""FROZEN: the method's first edition (2026.11-2) as released, kept so its snapshots replay.

Do not edit: see method/editions/__init__.py. The original docstring follows.

Lodestone's assessment method: plain facts in, a banded, explained result out.

Pure by design (no Django, no I/O, no clock): `today` and `as_of` are inputs, so an old
assessment replays from its stored inputs to the same result. See docs/method.md.
"""

from method.editions.e2026_11.engine import METHOD_VERSION, assess
from method.editions.e2026_11.inputs import (
    AllocationFacts,
    ApprovedListFacts,
    AssessmentInputs,
    CalendarFacts,
    CaseFacts,
    DocumentFacts,
    ElementFacts,
    LicenceFacts,
    MeasureFacts,
    MethodSettings,
    ProducerFacts,
    QuotaFacts,
    QuotaFallbackFacts,
    SuspensionFacts,
    WatchEntryFacts,
    canonical_json,
)
from method.editions.e2026_11.result import AssessmentResult, Evidence, FactorResult
from method.editions.e2026_11.screening import Match, match_party, normalise_party, prefilter
from method.editions.e2026_11.workdays import WorkdayCount, add_working_days, working_days_between

__all__ = [
    "METHOD_VERSION",
    "AllocationFacts",
    "ApprovedListFacts",
    "AssessmentInputs",
    "AssessmentResult",
    "CalendarFacts",
    "CaseFacts",
    "DocumentFacts",
    "ElementFacts",
    "Evidence",
    "FactorResult",
    "LicenceFacts",
    "Match",
    "MeasureFacts",
    "MethodSettings",
    "ProducerFacts",
    "QuotaFacts",
    "QuotaFallbackFacts",
    "SuspensionFacts",
    "WatchEntryFacts",
    "WorkdayCount",
    "add_working_days",
    "assess",
    "canonical_json",
    "match_party",
    "normalise_party",
    "prefilter",
    "working_days_between",
]

"""FROZEN: the method's second edition, second half (2026.12-2: time, party lists,
technology, licences, evidence), as released, kept so its snapshots replay.

Do not edit: see method/editions/__init__.py. The original docstring follows.

Lodestone's assessment method: plain facts in, a banded, explained result out.

Pure by design (no Django, no I/O, no clock): `today` and `as_of` are inputs, so an old
assessment replays from its stored inputs to the same result. See docs/method.md.
"""

from method.editions.e2026_12_2.engine import METHOD_VERSION, assess
from method.editions.e2026_12_2.inputs import (
    AllocationFacts,
    ApprovedListFacts,
    AssessmentInputs,
    CalendarFacts,
    CaseFacts,
    DestinationFacts,
    DocumentFacts,
    ElementFacts,
    HsLineFacts,
    LicenceFacts,
    MeasureFacts,
    MethodSettings,
    PartyFacts,
    ProducerFacts,
    QuotaFacts,
    QuotaFallbackFacts,
    SourceFacts,
    SuspensionFacts,
    WatchEntryFacts,
    canonical_json,
)
from method.editions.e2026_12_2.result import AssessmentResult, Evidence, FactorResult
from method.editions.e2026_12_2.screening import Match, match_party, normalise_party, prefilter
from method.editions.e2026_12_2.workdays import WorkdayCount, add_working_days, working_days_between

__all__ = [
    "METHOD_VERSION",
    "AllocationFacts",
    "ApprovedListFacts",
    "AssessmentInputs",
    "AssessmentResult",
    "CalendarFacts",
    "CaseFacts",
    "DestinationFacts",
    "DocumentFacts",
    "ElementFacts",
    "Evidence",
    "FactorResult",
    "HsLineFacts",
    "LicenceFacts",
    "Match",
    "MeasureFacts",
    "MethodSettings",
    "PartyFacts",
    "ProducerFacts",
    "QuotaFacts",
    "QuotaFallbackFacts",
    "SourceFacts",
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

"""Everything the assessment method reads, as frozen plain-value dataclasses.

A caller (the Django side) builds one `AssessmentInputs` from the database; the method
never looks anything up itself. The inputs serialise to canonical JSON, whose sha256 is the
key to replaying an old assessment with exactly the data it saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field

from method.editions.e2026_11._codec import PlainMixin
from method.editions.e2026_11.choices import (
    ALLOCATION_CATEGORIES,
    ALLOCATION_KINDS,
    DOCUMENT_STATUSES,
    ELEMENT_QUOTA_CATEGORIES,
    END_USES,
    LAYERS,
    LICENCE_STATUSES,
    PRODUCER_LIST_STATUSES,
    PRODUCT_FORMS,
    QUOTA_CONFIDENCES,
    WATCH_STATUSES,
    one_of,
)


def _non_negative(value: float | None, what: str) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise ValueError(f"{what} must be a finite number >= 0; got {value!r}")


@dataclass(frozen=True, slots=True)
class ElementFacts(PlainMixin):
    symbol: str
    quota_category: str  # light | ionic | none (elements.yaml)
    content_share: float | None = None  # informational; scope does not depend on it

    def __post_init__(self) -> None:
        one_of(self.quota_category, ELEMENT_QUOTA_CATEGORIES, "element quota_category")
        _non_negative(self.content_share, "content_share")


@dataclass(frozen=True, slots=True)
class ProducerFacts(PlainMixin):
    id: int
    name: str
    group_key: str = ""
    group_name: str = ""
    # The quota-holding group after following the group's successor chain
    # (Xiamen Tungsten -> China Rare Earth Group); None when the chain ends nowhere.
    quota_holder_key: str | None = None
    quota_holder_name: str | None = None


@dataclass(frozen=True, slots=True)
class LicenceFacts(PlainMixin):
    status: str = "not_applied"
    number: str = ""
    applied_on: dt.date | None = None  # the day MOFCOM received a complete file
    valid_until: dt.date | None = None
    general_licence: bool = False

    def __post_init__(self) -> None:
        one_of(self.status, LICENCE_STATUSES, "licence status")


@dataclass(frozen=True, slots=True)
class DocumentFacts(PlainMixin):
    doc_type: str
    status: str = "provided"
    expires_on: dt.date | None = None

    def __post_init__(self) -> None:
        one_of(self.status, DOCUMENT_STATUSES, "document status")


@dataclass(frozen=True, slots=True)
class CaseFacts(PlainMixin):
    reference: str
    elements: tuple[ElementFacts, ...]
    product_form: str
    end_use: str
    hs_code: str = ""
    end_user: str = ""
    consignee: str = ""
    destination: str = ""  # ISO 3166 alpha-2
    producer: ProducerFacts | None = None
    supplier_text: str = ""
    licence: LicenceFacts = field(default_factory=LicenceFacts)
    documents: tuple[DocumentFacts, ...] = ()

    def __post_init__(self) -> None:
        one_of(self.product_form, PRODUCT_FORMS, "product_form")
        one_of(self.end_use, END_USES, "end_use")


@dataclass(frozen=True, slots=True)
class SuspensionFacts(PlainMixin):
    by_key: str
    by_title: str
    starts_on: dt.date
    ends_on: dt.date | None = None  # exclusive: "until 2026-11-10" means in force from that day


@dataclass(frozen=True, slots=True)
class MeasureFacts(PlainMixin):
    id: int
    key: str
    title: str
    layers: tuple[str, ...]
    effective_from: dt.date
    elements: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    hs_codes: tuple[str, ...] = ()
    effective_to: dt.date | None = None  # exclusive
    suspensions: tuple[SuspensionFacts, ...] = ()
    confidence: str = "confirmed"  # confirmed | derived | unconfirmed

    def __post_init__(self) -> None:
        for layer in self.layers:
            one_of(layer, LAYERS, "measure layer")
        for form in self.forms:
            one_of(form, PRODUCT_FORMS, "measure form")


@dataclass(frozen=True, slots=True)
class ApprovedListFacts(PlainMixin):
    version_id: int
    label: str
    effective_from: dt.date
    producer_status: str  # approved | suspended | removed | not_listed
    note: str = ""

    def __post_init__(self) -> None:
        one_of(self.producer_status, PRODUCER_LIST_STATUSES, "producer_status")


@dataclass(frozen=True, slots=True)
class AllocationFacts(PlainMixin):
    kind: str  # mining | smelting
    category: str  # light | ionic | total
    tonnes: float | None = None  # None = allocation known to exist, volume unknown
    utilised_tonnes: float | None = None

    def __post_init__(self) -> None:
        one_of(self.kind, ALLOCATION_KINDS, "allocation kind")
        one_of(self.category, ALLOCATION_CATEGORIES, "allocation category")
        _non_negative(self.tonnes, "tonnes")
        _non_negative(self.utilised_tonnes, "utilised_tonnes")


@dataclass(frozen=True, slots=True)
class QuotaFallbackFacts(PlainMixin):
    """The most recent published cycle holding allocations for the same quota holder."""

    year: int
    cycle_id: int | None
    label: str  # e.g. "2024 batch 1"
    allocations: tuple[AllocationFacts, ...]
    confidence: str = "official"

    def __post_init__(self) -> None:
        one_of(self.confidence, QUOTA_CONFIDENCES, "quota confidence")


@dataclass(frozen=True, slots=True)
class QuotaFacts(PlainMixin):
    """The quota cycle of the as-of year, reduced to the producer's quota holder."""

    cycle_year: int
    cycle_id: int | None = None
    published: bool = False
    confidence: str = "official"
    # Rows for the holder in this cycle; several rows of one (kind, category), e.g. one per
    # batch, are added up.
    allocations: tuple[AllocationFacts, ...] = ()
    fallback: QuotaFallbackFacts | None = None

    def __post_init__(self) -> None:
        one_of(self.confidence, QUOTA_CONFIDENCES, "quota confidence")


@dataclass(frozen=True, slots=True)
class CalendarFacts(PlainMixin):
    holidays: tuple[dt.date, ...] = ()  # weekday days off
    makeup_workdays: tuple[dt.date, ...] = ()  # weekend days that are working days
    known_years: tuple[int, ...] = ()  # years whose official holiday notice is loaded


@dataclass(frozen=True, slots=True)
class WatchEntryFacts(PlainMixin):
    id: int
    list_key: str
    list_name: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    status: str = "active"
    version_date: dt.date | None = None
    confidence: str = "confirmed"

    def __post_init__(self) -> None:
        one_of(self.status, WATCH_STATUSES, "watch entry status")


@dataclass(frozen=True, slots=True)
class MethodSettings(PlainMixin):
    strong_match: float = 92.0
    weak_match: float = 80.0
    licence_review_working_days: int = 45

    def __post_init__(self) -> None:
        if not 0 <= self.weak_match <= self.strong_match <= 100:
            raise ValueError("need 0 <= weak_match <= strong_match <= 100")
        if self.licence_review_working_days < 0:
            raise ValueError("licence_review_working_days must be >= 0")


@dataclass(frozen=True, slots=True)
class AssessmentInputs(PlainMixin):
    as_of: dt.date  # the planned ship date, or today when there is none
    today: dt.date
    case: CaseFacts
    calendar: CalendarFacts
    measures: tuple[MeasureFacts, ...] = ()
    approved_list: ApprovedListFacts | None = None  # None = no list in force on as_of
    quota: QuotaFacts | None = None
    watch_candidates: tuple[WatchEntryFacts, ...] = ()
    settings: MethodSettings = field(default_factory=MethodSettings)

    def canonical_json(self) -> str:
        return canonical_json(self.to_dict())

    def inputs_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def canonical_json(data: object) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )

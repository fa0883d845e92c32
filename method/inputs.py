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

from method._codec import PlainMixin
from method.choices import (
    ALLOCATION_CATEGORIES,
    ALLOCATION_KINDS,
    DESTINATION_SCOPES,
    DESTINATION_SEVERITIES,
    DISPOSITION_KINDS,
    DOCUMENT_STATUSES,
    ELEMENT_FAMILIES,
    ELEMENT_QUOTA_CATEGORIES,
    END_USES,
    FACTORS,
    LAYERS,
    LICENCE_PATHWAYS,
    LICENCE_STATUSES,
    LIST_CONFIDENCES,
    ORE_CATEGORIES,
    PARTY_ROLES,
    PRODUCER_LIST_STATUSES,
    PRODUCT_FORMS,
    QUOTA_CONFIDENCES,
    SCREENING_DISPOSITIONS,
    SEVERITIES,
    SOURCE_EVIDENCE,
    TECHNOLOGY_CLASSES,
    WATCH_EFFECTS,
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
    family: str = "other"  # light | medium | heavy | other (elements.yaml)

    def __post_init__(self) -> None:
        one_of(self.quota_category, ELEMENT_QUOTA_CATEGORIES, "element quota_category")
        one_of(self.family, ELEMENT_FAMILIES, "element family")
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
    kind: str = ""  # registry facility kind: mine, separation_plant, magnet_maker, ...
    confidence: str = "confirmed"


@dataclass(frozen=True, slots=True)
class PartyFacts(PlainMixin):
    """One party on the shipment, as declared (every party is screened)."""

    role: str
    name: str
    country: str = ""  # ISO 3166 alpha-2
    uscc: str = ""  # Unified Social Credit Code, for Chinese parties
    lei: str = ""
    registry_number: str = ""

    def __post_init__(self) -> None:
        one_of(self.role, PARTY_ROLES, "party role")


@dataclass(frozen=True, slots=True)
class SourceFacts(PlainMixin):
    """Where one rare earth input (an element or a group such as NdPr) came from."""

    label: str  # "NdPr", "Tb"
    elements: tuple[str, ...]
    producer: ProducerFacts | None = None  # the separation plant (the mine, for ore)
    plant_name: str = ""  # as declared, when the plant is not in the registry
    ore_category: str = ""  # light | ionic | imported | by_product; '' = not declared
    production_year: int | None = None
    evidence: tuple[str, ...] = ()  # document types (SOURCE_EVIDENCE)
    list_status: str = "not_listed"  # the producer's status on the list in force
    list_note: str = ""

    def __post_init__(self) -> None:
        if self.ore_category:
            one_of(self.ore_category, ORE_CATEGORIES, "source ore_category")
        for kind in self.evidence:
            one_of(kind, SOURCE_EVIDENCE, "source evidence")
        one_of(self.list_status, PRODUCER_LIST_STATUSES, "source list_status")
        if not self.elements:
            raise ValueError(f"source {self.label!r} must name at least one element")

    @property
    def plant(self) -> str:
        return self.producer.name if self.producer else (self.plant_name or "undeclared plant")


@dataclass(frozen=True, slots=True)
class HsLineFacts(PlainMixin):
    """The tariff line declared, as the registry describes it."""

    code: str
    form: str
    description: str = ""
    elements: tuple[str, ...] = ()  # the elements the line names ('' = any)
    medium_heavy: bool = False  # the line is for products with >= 30% medium-heavy REE

    def __post_init__(self) -> None:
        one_of(self.form, PRODUCT_FORMS, "HS line form")


@dataclass(frozen=True, slots=True)
class LicenceFacts(PlainMixin):
    """The shipment's licence: the case's own fields, or the licence record it draws on.

    A record (`record_id` set) carries what the licence covers: its holder, items, quantity
    and, for a general licence, the named customers and end users. `consumed_kg` is what
    other shipments on the same licence take before this one (the caller orders them)."""

    status: str = "not_applied"
    number: str = ""
    applied_on: dt.date | None = None  # the day MOFCOM received a complete file
    valid_until: dt.date | None = None
    general_licence: bool = False
    record_id: int | None = None
    pathway: str = ""  # individual | general | technology; '' = from general_licence
    holder: str = ""  # the licence holder's name as on the licence
    valid_from: dt.date | None = None
    items: tuple[str, ...] = ()  # element symbols covered; () = not recorded
    forms: tuple[str, ...] = ()  # product forms covered; () = not recorded
    quantity_kg: float | None = None  # None = no quantity limit recorded
    consumed_kg: float = 0.0  # taken by the licence's other shipments before this one
    named_parties: tuple[str, ...] = ()  # general licence: the customers/end users named

    def __post_init__(self) -> None:
        one_of(self.status, LICENCE_STATUSES, "licence status")
        if self.pathway:
            one_of(self.pathway, LICENCE_PATHWAYS, "licence pathway")
        _non_negative(self.quantity_kg, "licence quantity_kg")
        _non_negative(self.consumed_kg, "licence consumed_kg")

    @property
    def route(self) -> str:
        """individual | general | technology."""
        return self.pathway or ("general" if self.general_licence else "individual")


@dataclass(frozen=True, slots=True)
class TechnologyFacts(PlainMixin):
    """The catalogue item a technology export is classified under."""

    key: str
    title: str
    klass: str  # prohibited | restricted | dual_use
    catalogue: str  # the instrument: "Catalogue of Technologies ... (2023 revision)"
    control_code: str = ""  # e.g. 1E902.a
    measure_key: str = ""  # the registry measure that lists the item
    confidence: str = "confirmed"

    def __post_init__(self) -> None:
        one_of(self.klass, TECHNOLOGY_CLASSES, "technology class")


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
    hs_line: HsLineFacts | None = None  # None when the code is not in the registry
    destination: str = ""  # ISO 3166 alpha-2
    parties: tuple[PartyFacts, ...] = ()
    sources: tuple[SourceFacts, ...] = ()
    licence: LicenceFacts = field(default_factory=LicenceFacts)
    documents: tuple[DocumentFacts, ...] = ()
    quantity_kg: float | None = None
    planned_ship_date: dt.date | None = None  # as planned; as_of may be later (passed)
    technology: TechnologyFacts | None = None  # technology form: the catalogue item chosen

    def __post_init__(self) -> None:
        one_of(self.product_form, PRODUCT_FORMS, "product_form")
        _non_negative(self.quantity_kg, "quantity_kg")
        one_of(self.end_use, END_USES, "end_use")

    def parties_in(self, role: str) -> tuple[PartyFacts, ...]:
        return tuple(party for party in self.parties if party.role == role)


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
    """The approved-producer list version in force; each source carries its own status."""

    version_id: int
    label: str
    effective_from: dt.date
    confidence: str = "official"  # official | reported (compiled from public reports)

    def __post_init__(self) -> None:
        one_of(self.confidence, LIST_CONFIDENCES, "list confidence")


@dataclass(frozen=True, slots=True)
class DestinationFacts(PlainMixin):
    """A restriction on the destination country: UN sanctions or a Chinese countermeasure."""

    id: int
    country: str
    regime: str  # un_sanctions | cn_countermeasure
    scope: str  # all_items | military_end_use
    severity: str  # high | critical: the floor where it applies
    title: str
    instrument: str
    effective_from: dt.date
    effective_to: dt.date | None = None  # exclusive
    confidence: str = "confirmed"

    def __post_init__(self) -> None:
        one_of(self.scope, DESTINATION_SCOPES, "destination scope")
        one_of(self.severity, DESTINATION_SEVERITIES, "destination severity")


@dataclass(frozen=True, slots=True)
class AllocationFacts(PlainMixin):
    kind: str  # mining | smelting
    category: str  # light | ionic | total
    tonnes: float | None = None  # None = allocation known to exist, volume unknown
    utilised_tonnes: float | None = None
    confidence: str = ""  # official | reported | estimated; '' = the cycle's

    def __post_init__(self) -> None:
        if self.confidence:
            one_of(self.confidence, QUOTA_CONFIDENCES, "allocation confidence")
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
    """The quota cycle of the as-of year, reduced to one quota holder."""

    cycle_year: int
    holder_key: str = ""
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
    # Statutory days off derived for years with no notice (Decree 795's 13 days; the
    # make-up working days cannot be derived): the pessimistic licence clock counts them.
    statutory_days: tuple[dt.date, ...] = ()


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
    notice: str = ""  # the announcement that listed the entry
    notice_key: str = ""  # the announcement's id in the reference data
    effects: tuple[str, ...] = ()  # WATCH_EFFECTS of the notice
    suspended_until: dt.date | None = None  # exclusive; a suspension before it lapsed
    # Registered identifiers, as sorted (kind, value) pairs: ("lei", ...), ("uscc", ...).
    identifiers: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        one_of(self.status, WATCH_STATUSES, "watch entry status")
        for effect in self.effects:
            one_of(effect, WATCH_EFFECTS, "watch entry effect")


@dataclass(frozen=True, slots=True)
class DispositionFacts(PlainMixin):
    """An approved, unrevoked disposition on the case (DOMAIN, "Decisions that last and
    reopen"). Pending, rejected, revoked and reopened ones are not inputs.

    `basis` is the fingerprint of what it rested on when it was made, as sorted (part,
    digest) pairs (`method.dispositions.hit_basis` / `factor_basis`); a part whose digest
    differs now reopens it, and the reason names the part."""

    id: int
    kind: str  # DISPOSITION_KINDS
    author: str
    approver: str
    decided_on: dt.date  # the day it was approved
    expires_on: dt.date | None = None  # lapses on this day (in force while today < it)
    reason: str = ""
    factor: str = ""  # risk_accepted: the factor
    accepted_severity: str = ""  # risk_accepted: the factor's severity when accepted
    entry_id: int | None = None  # screening: the party-list entry
    party_role: str = ""  # screening: the party's role ...
    party_name: str = ""  # ... and name, as screened
    basis: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        one_of(self.kind, DISPOSITION_KINDS, "disposition kind")
        if self.kind in SCREENING_DISPOSITIONS:
            if self.entry_id is None or not self.party_role:
                raise ValueError("a screening disposition needs entry_id and party_role")
            one_of(self.party_role, PARTY_ROLES, "disposition party_role")
        else:
            one_of(self.factor, FACTORS, "disposition factor")
            one_of(self.accepted_severity, SEVERITIES, "disposition accepted_severity")


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
    # One per quota holder of the case's upstream sources, for the as-of year.
    quotas: tuple[QuotaFacts, ...] = ()
    destination_restrictions: tuple[DestinationFacts, ...] = ()  # for the case's destination
    watch_candidates: tuple[WatchEntryFacts, ...] = ()
    settings: MethodSettings = field(default_factory=MethodSettings)
    # Approved dispositions in force on the case (their entries are in watch_candidates).
    dispositions: tuple[DispositionFacts, ...] = ()

    def quota_for(self, holder_key: str) -> QuotaFacts | None:
        return next((quota for quota in self.quotas if quota.holder_key == holder_key), None)

    def canonical_json(self) -> str:
        return canonical_json(self.to_dict())

    def inputs_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def canonical_json(data: object) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )

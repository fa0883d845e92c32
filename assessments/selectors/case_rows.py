"""The case side of the method's inputs: which Case columns the method reads, and loading
cases with exactly those.

`CASE_FACT_COLUMNS` and `LICENCE_FACT_COLUMNS` map the method's `CaseFacts` / `LicenceFacts`
fields to the Case columns they copy; `case_facts_build` builds from them, the batch loads
them (`CASE_COLUMNS`), and `CASE_FIELDS_READ` (what an edit must change to need a new
assessment) is derived from them. Nothing here is kept by hand beside the build.

A case with a licence record (`Case.licence_record`) takes its `LicenceFacts` from the
record (`RECORD_FACT_FIELDS`) instead of its own licence columns, with what the licence's
other cases consume before it (`licence_consumption`). A technology case's catalogue item
(`Case.technology_item`) becomes its `TechnologyFacts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from assessments.selectors.dispositions import approved_dispositions, approved_dispositions_by_case
from method.inputs import (
    CaseFacts,
    DocumentFacts,
    ElementFacts,
    HsLineFacts,
    LicenceFacts,
    PartyFacts,
    SourceFacts,
    TechnologyFacts,
)
from registry.models import TechnologyItem
from shipments.models import (
    HEADLINE_ROLES,
    PARTY_FIELDS,
    Case,
    CaseElement,
    CaseParty,
    CaseSource,
    Document,
    Licence,
)
from shipments.selectors import licence_consumption

# CaseFacts field -> the Case column it copies.
CASE_FACT_COLUMNS: dict[str, str] = {
    "reference": "reference",
    "product_form": "product_form",
    "end_use": "end_use",
    "hs_code": "hs_code",
    "destination": "destination",
    "planned_ship_date": "planned_ship_date",
}
# LicenceFacts field -> the Case column it copies.
LICENCE_FACT_COLUMNS: dict[str, str] = {
    "status": "licence_status",
    "number": "licence_number",
    "applied_on": "licence_applied_on",
    "valid_until": "licence_valid_until",
    "general_licence": "general_licence",
}
# LicenceFacts field -> the Licence record field it copies (a case with a record).
RECORD_FACT_FIELDS: dict[str, str] = {
    "status": "status",
    "number": "number",
    "applied_on": "applied_on",
    "valid_until": "valid_until",
    "pathway": "pathway",
    "holder": "holder",
    "valid_from": "valid_from",
}
# LicenceFacts fields only a record has, built in `licence_facts_build`.
RECORD_BUILT_FIELDS = (
    "general_licence",
    "record_id",
    "items",
    "forms",
    "quantity_kg",
    "consumed_kg",
    "named_parties",
)
LICENCE_RECORD_COLUMN = "licence_record"
TECHNOLOGY_COLUMN = "technology_item"
# CaseFacts fields built from relations, with the Case fields (or relations) they read.
CASE_FACT_RELATIONS: dict[str, tuple[str, ...]] = {
    "elements": ("elements",),
    "hs_line": ("hs_code",),
    # The Case row repeats the headline parties' names; changing one changes the parties.
    "parties": ("parties", *HEADLINE_ROLES),
    "sources": ("sources",),
    # The record's facts, and the case's place in its consumption (its quantity and ship
    # date: those are read anyway, below).
    "licence": (*LICENCE_FACT_COLUMNS.values(), LICENCE_RECORD_COLUMN),
    "documents": ("documents",),
    "technology": (TECHNOLOGY_COLUMN,),
    # Read by the method (licence quantities) and, for a case on a licence record, the
    # licence's other cases (their consumption).
    "quantity_kg": ("quantity_kg",),
}
# Read besides the facts: the assessment date (`case_as_of`) and what it depends on.
AS_OF_COLUMN = "planned_ship_date"
STATUS_COLUMN = "status"
QUANTITY_COLUMN = "quantity_kg"
# A case being worked: judged as of today once its planned ship date has passed.
WORKING_STATUSES = ("open", "on_hold")

# The Case fields (and relations) whose change can change an assessment.
CASE_FIELDS_READ: frozenset[str] = frozenset(
    {*CASE_FACT_COLUMNS.values(), AS_OF_COLUMN, STATUS_COLUMN, QUANTITY_COLUMN}.union(
        *CASE_FACT_RELATIONS.values()
    )
)

# The columns a batch loads (a case has about 30, several long texts): the facts' columns,
# the date, and the latest snapshot the re-score chains from. Reading any other field of
# these instances would cost a query per case.
CASE_COLUMNS: tuple[str, ...] = (
    *CASE_FACT_COLUMNS.values(),
    *LICENCE_FACT_COLUMNS.values(),
    AS_OF_COLUMN,
    STATUS_COLUMN,
    QUANTITY_COLUMN,
    LICENCE_RECORD_COLUMN,
    TECHNOLOGY_COLUMN,
    "latest_assessment",
)
PARTY_COLUMNS = PARTY_FIELDS  # the method reads all of a party's recorded values
SOURCE_COLUMNS = (
    "label",
    "elements",
    "producer_id",
    "plant_name",
    "ore_category",
    "production_year",
    "evidence",
)


def case_as_of(case: Case, today: dt.date) -> dt.date:
    """The planned ship date, or today when there is none or (for a case still being
    worked) when it has passed: an open case is never judged on a day already gone
    (DOMAIN, second edition, "Time")."""
    planned = getattr(case, AS_OF_COLUMN)
    if planned is None:
        return today
    if planned < today and getattr(case, STATUS_COLUMN) in WORKING_STATUSES:
        return today
    return planned


def case_facts_build(
    case: Case,
    elements: tuple[ElementFacts, ...],
    documents: tuple[DocumentFacts, ...],
    *,
    parties: tuple[PartyFacts, ...],
    sources: tuple[SourceFacts, ...],
    hs_line: HsLineFacts | None,
) -> CaseFacts:
    """The method's CaseFacts for a case row, from the column maps above.

    The licence record, its consumption and the technology item come from what the batch
    loaded (`cases_for_assessment_list`); a case loaded otherwise reads them itself (a few
    queries, for one case)."""
    return CaseFacts(
        **{name: getattr(case, column) for name, column in CASE_FACT_COLUMNS.items()},
        elements=elements,
        hs_line=hs_line,
        parties=parties,
        sources=sources,
        licence=licence_facts_build(case),
        documents=documents,
        quantity_kg=_kg(getattr(case, QUANTITY_COLUMN)),
        technology=technology_facts_build(case),
    )


def licence_facts_build(case: Case) -> LicenceFacts:
    """The case's own licence columns, or (with a record) the record's facts and what the
    licence's earlier cases consume."""
    record_id = getattr(case, f"{LICENCE_RECORD_COLUMN}_id")
    if record_id is None:
        return LicenceFacts(
            **{name: getattr(case, column) for name, column in LICENCE_FACT_COLUMNS.items()}
        )
    record = getattr(case, "assessment_licence", None)
    if record is None:
        record = Licence.objects.get(pk=record_id)
    consumed = getattr(case, "assessment_consumed_kg", None)
    if consumed is None:
        consumed = licence_consumption([record_id]).get(case.pk, Decimal(0))
    return LicenceFacts(
        **{name: getattr(record, field) for name, field in RECORD_FACT_FIELDS.items()},
        general_licence=record.pathway == "general",
        record_id=record.pk,
        items=tuple(record.items or ()),
        forms=tuple(record.forms or ()),
        quantity_kg=_kg(record.quantity_kg),
        consumed_kg=float(consumed),
        named_parties=tuple(record.named_parties or ()),
    )


def technology_facts_build(case: Case) -> TechnologyFacts | None:
    item_id = getattr(case, f"{TECHNOLOGY_COLUMN}_id")
    if item_id is None:
        return None
    item = getattr(case, "assessment_technology", None)
    if item is None:
        item = TechnologyItem.objects.select_related("measure").get(pk=item_id)
    return TechnologyFacts(
        key=item.key,
        title=item.title,
        klass=item.klass,
        catalogue=item.measure.title,
        control_code=item.control_code,
        measure_key=item.measure.key,
        confidence=item.confidence,
    )


def _kg(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _related(case: Case, prefetched: str, manager: str) -> list:
    rows = getattr(case, prefetched, None)
    return rows if rows is not None else list(getattr(case, manager).all())


# The columns `ReferenceData.build` and the re-score read (a case has about 30, several long
# texts); reading any other field of these instances would cost a query per case.


def cases_for_assessment(ids: Iterable[int] | None = None) -> QuerySet[Case]:
    """Cases with everything their inputs need, in six queries however many.

    Only the columns the inputs (and the re-score) read are loaded: see `CASE_COLUMNS`.
    """
    qs = Case.objects.only(*CASE_COLUMNS).prefetch_related(
        Prefetch(
            "case_elements",
            queryset=CaseElement.objects.select_related("element")
            .only(
                "case",
                "content_share",
                "element__symbol",
                "element__atomic_number",
                "element__quota_category",
                "element__family",
            )
            .order_by("element__atomic_number"),
            to_attr="assessment_elements",
        ),
        Prefetch(
            "parties",
            queryset=CaseParty.objects.only("case", *PARTY_COLUMNS).order_by("position", "pk"),
            to_attr="assessment_parties",
        ),
        Prefetch(
            "sources",
            queryset=CaseSource.objects.only("case", *SOURCE_COLUMNS).order_by("position", "pk"),
            to_attr="assessment_sources",
        ),
        # to_attr lists: Django builds no per-case queryset for them (measurably faster).
        Prefetch(
            "documents",
            queryset=Document.objects.only("case", "doc_type", "status", "expires_on").order_by(
                "doc_type", "pk"
            ),
            to_attr="assessment_documents",
        ),
        # The approved dispositions are inputs too (DOMAIN, "Decisions that last and reopen").
        Prefetch(
            "dispositions", queryset=approved_dispositions(), to_attr="assessment_dispositions"
        ),
    )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs


class _ElementRow(NamedTuple):
    symbol: str
    quota_category: str
    atomic_number: int
    family: str


class _PartyRow(NamedTuple):
    role: str
    name: str
    country: str
    uscc: str
    lei: str
    registry_number: str


class _SourceRow(NamedTuple):
    label: str
    elements: list
    producer_id: int | None
    plant_name: str
    ore_category: str
    production_year: int | None
    evidence: list


class _CaseElementRow(NamedTuple):
    element: _ElementRow
    content_share: Decimal | None


class _DocumentRow(NamedTuple):
    doc_type: str
    status: str
    expires_on: dt.date | None


def cases_for_assessment_list(ids: Iterable[int]) -> list[Case]:
    """`list(cases_for_assessment(ids).order_by("pk"))` for a batch, in the same six queries
    (and, when the batch has licence records or technology items, up to three more: the
    records, their cases' consumption, the items),
    with the elements and documents read as plain rows instead of model instances (building
    them cost more than reading them). The rows carry the attributes `ReferenceData.build`
    reads, in the same order as the prefetches of `cases_for_assessment`."""
    ids = list(ids)
    cases = list(Case.objects.only(*CASE_COLUMNS).filter(pk__in=ids).order_by("pk"))
    if not cases:
        return cases
    elements: dict[int, list[_CaseElementRow]] = {case.pk: [] for case in cases}
    for case_id, symbol, category, number, family, share in (
        CaseElement.objects.filter(case_id__in=ids)
        .order_by("element__atomic_number", "pk")
        .values_list(
            "case_id",
            "element__symbol",
            "element__quota_category",
            "element__atomic_number",
            "element__family",
            "content_share",
        )
    ):
        if case_id in elements:
            row = _ElementRow(symbol, category, number, family)
            elements[case_id].append(_CaseElementRow(row, share))
    parties: dict[int, list[_PartyRow]] = {case.pk: [] for case in cases}
    for case_id, *values in (
        CaseParty.objects.filter(case_id__in=ids)
        .order_by("position", "pk")
        .values_list("case_id", *PARTY_COLUMNS)
    ):
        if case_id in parties:
            parties[case_id].append(_PartyRow(*values))
    sources: dict[int, list[_SourceRow]] = {case.pk: [] for case in cases}
    for case_id, *values in (
        CaseSource.objects.filter(case_id__in=ids)
        .order_by("position", "pk")
        .values_list("case_id", *SOURCE_COLUMNS)
    ):
        if case_id in sources:
            sources[case_id].append(_SourceRow(*values))
    documents: dict[int, list[_DocumentRow]] = {case.pk: [] for case in cases}
    for case_id, doc_type, status, expires_on in (
        Document.objects.filter(case_id__in=ids)
        .order_by("doc_type", "pk")
        .values_list("case_id", "doc_type", "status", "expires_on")
    ):
        if case_id in documents:
            documents[case_id].append(_DocumentRow(doc_type, status, expires_on))
    licence_ids = {c.licence_record_id for c in cases if c.licence_record_id}
    licences = Licence.objects.in_bulk(list(licence_ids)) if licence_ids else {}
    consumed = licence_consumption(licence_ids)
    dispositions = approved_dispositions_by_case(ids)
    item_ids = {c.technology_item_id for c in cases if c.technology_item_id}
    items = (
        TechnologyItem.objects.select_related("measure").in_bulk(list(item_ids)) if item_ids else {}
    )
    for case in cases:
        case.assessment_licence = licences.get(case.licence_record_id)  # type: ignore[attr-defined]
        case.assessment_consumed_kg = consumed.get(case.pk)  # type: ignore[attr-defined]
        case.assessment_technology = items.get(case.technology_item_id)  # type: ignore[attr-defined]
        case.assessment_elements = elements[case.pk]  # type: ignore[attr-defined]
        case.assessment_documents = documents[case.pk]  # type: ignore[attr-defined]
        case.assessment_parties = parties[case.pk]  # type: ignore[attr-defined]
        case.assessment_sources = sources[case.pk]  # type: ignore[attr-defined]
        case.assessment_dispositions = dispositions.get(case.pk, [])  # type: ignore[attr-defined]
    return cases

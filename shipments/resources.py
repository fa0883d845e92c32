"""The register as a spreadsheet (django-import-export): what the export writes.

The columns are the import's layout (`shipments.importing.LAYOUT`, without watchers) between
the assessment's band (and raw band where a disposition decided it), verdict, main reason,
score and status and the time it was made; the import ignores those,
so an exported file imports back unchanged. Parties and sources are written the way the
import reads them: elements and evidence as space-separated codes, a registry plant by its
English name and USCC, a typed plant name with the NOT_IN_REGISTRY mark. What the layout
has no room for (a fourth intermediary, a fifth source, an intermediary's identifiers) is
named in the `omitted` column, which the import refuses, rather than dropped unseen.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from import_export import fields

from registry.exports import SafeExportResource

from .importing import (
    INTERMEDIARY_COLUMNS,
    INTERMEDIARY_DETAILS,
    INTERMEDIARY_SLOTS,
    LAYOUT,
    NOT_IN_REGISTRY,
    OMITTED_COLUMN,
    PARTY_COLUMNS,
    PARTY_DETAILS,
    SOURCE_COLUMNS,
    SOURCE_SLOTS,
    intermediary_column,
    source_column,
)
from .models import HEADLINE_ROLES, SINGLE_ROLES, Case, CaseElement, CaseParty, CaseSource

EXPORT_COLUMNS = (
    "band",
    "raw_band",
    "verdict",
    "main_reason",
    "score",
    "status",
    *(column for column in LAYOUT if column != "watchers"),
    "assessed_at",
    OMITTED_COLUMN,
)
# Written from the case's parties and sources (`case_cells`), not from a Case field.
CELL_COLUMNS = (*PARTY_COLUMNS, *INTERMEDIARY_COLUMNS, *SOURCE_COLUMNS, OMITTED_COLUMN)


def _party_cells(case: Case, cells: dict[str, object], omitted: list[str]) -> None:
    single: dict[str, CaseParty] = {}
    intermediaries: list[CaseParty] = []
    for party in case.export_parties:
        if party.role in SINGLE_ROLES and party.role not in single:
            single[party.role] = party
        else:
            intermediaries.append(party)
    for role in SINGLE_ROLES:
        party = single.get(role)
        if party is None:
            # A case saved before parties kept its names on the row only.
            cells[role] = getattr(case, role) if role in HEADLINE_ROLES else ""
            continue
        cells[role] = party.name
        for detail in PARTY_DETAILS:
            cells[f"{role}_{detail}"] = getattr(party, detail)
    for n, party in enumerate(intermediaries, start=1):
        if n > INTERMEDIARY_SLOTS:
            omitted.append(f"{party.get_role_display().lower()} {party.name}")
            continue
        for detail in INTERMEDIARY_DETAILS:
            cells[intermediary_column(n, detail)] = getattr(party, detail)
        lost = [label for label, value in _identifiers(party) if value]
        if lost:
            omitted.append(f"{' and '.join(lost)} of intermediary {n} ({party.name})")


def _identifiers(party: CaseParty) -> list[tuple[str, str]]:
    return [("USCC", party.uscc), ("LEI", party.lei), ("registry number", party.registry_number)]


def _source_cells(case: Case, cells: dict[str, object], omitted: list[str]) -> None:
    for n, source in enumerate(case.export_sources, start=1):
        if n > SOURCE_SLOTS:
            plant = source.producer.name_en if source.producer_id else source.plant_name
            omitted.append(f"source {source.label} ({plant})")
            continue
        if source.producer_id:
            plant, uscc = source.producer.name_en, source.producer.uscc
        else:
            plant, uscc = f"{source.plant_name}{NOT_IN_REGISTRY}", ""
        cells |= {
            source_column(n, "label"): source.label,
            source_column(n, "elements"): " ".join(source.elements),
            source_column(n, "plant"): plant,
            source_column(n, "plant_uscc"): uscc,
            source_column(n, "ore"): source.ore_category,
            source_column(n, "year"): source.production_year or "",
            source_column(n, "evidence"): " ".join(source.evidence),
            source_column(n, "note"): source.note,
        }


def case_cells(case: Case) -> dict[str, object]:
    """The party, intermediary, source and `omitted` cells of one case's row."""
    cells: dict[str, object] = dict.fromkeys(CELL_COLUMNS, "")
    omitted: list[str] = []
    _party_cells(case, cells, omitted)
    _source_cells(case, cells, omitted)
    if omitted:
        cells[OMITTED_COLUMN] = "Not in this file: " + "; ".join(omitted) + "."
    return cells


class CaseResource(SafeExportResource):
    band = fields.Field(attribute="get_band_display", column_name="band")
    # The method's band without dispositions, blank where it is the same as the band.
    raw_band = fields.Field(column_name="raw_band")
    verdict = fields.Field(attribute="verdict_text", column_name="verdict")
    main_reason = fields.Field(column_name="main_reason")
    status = fields.Field(attribute="get_status_display", column_name="status")
    elements = fields.Field(column_name="elements")
    product_form = fields.Field(attribute="product_form", column_name="product_form")
    owner = fields.Field(column_name="owner")

    class Meta:
        model = Case
        fields = tuple(c for c in EXPORT_COLUMNS if c not in CELL_COLUMNS)
        export_order = EXPORT_COLUMNS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for column in CELL_COLUMNS:
            self.fields[column] = fields.Field(
                column_name=column, dehydrate_method=self._cell(column)
            )
        self._cells_of: tuple[int | None, dict] = (None, {})

    def _cell(self, column: str):
        def dehydrate(case: Case) -> object:
            if self._cells_of[0] != case.pk:
                self._cells_of = (case.pk, case_cells(case))
            return self._cells_of[1][column]

        return dehydrate

    def filter_export(self, queryset: QuerySet[Case], **kwargs) -> QuerySet[Case]:
        # Own attributes, so a caller's prefetch of the same relations cannot clash.
        return queryset.select_related(
            "owner", "licence_record", "technology_item", "latest_assessment"
        ).prefetch_related(
            Prefetch(
                "case_elements",
                queryset=CaseElement.objects.order_by("element__atomic_number", "pk"),
                to_attr="export_elements",
            ),
            Prefetch(
                "parties",
                queryset=CaseParty.objects.order_by("position", "pk"),
                to_attr="export_parties",
            ),
            Prefetch(
                "sources",
                queryset=CaseSource.objects.select_related("producer").order_by("position", "pk"),
                to_attr="export_sources",
            ),
        )

    def dehydrate_elements(self, case: Case) -> str:
        return ", ".join(
            f"{ce.element_id}:{format(ce.content_share.normalize(), 'f')}"
            if ce.content_share
            else ce.element_id
            for ce in case.export_elements
        )

    def dehydrate_raw_band(self, case: Case) -> str:
        return case.get_raw_band_display() if case.raw_band and case.raw_band != case.band else ""

    def dehydrate_main_reason(self, case: Case) -> str:
        """The worst factor's reason, as the register shows it."""
        factors = case.latest_assessment.factors if case.latest_assessment_id else []
        return factors[0]["reason"] if factors else ""

    def dehydrate_owner(self, case: Case) -> str:
        return case.owner.get_username()

    def dehydrate_licence_number(self, case: Case) -> str:
        # A case on a licence record is written with the record's number, which the import
        # resolves back to the record.
        if case.licence_record_id:
            return case.licence_record.number
        return case.licence_number

    def dehydrate_technology_item(self, case: Case) -> str:
        return case.technology_item.key if case.technology_item_id else ""

    def dehydrate_general_licence(self, case: Case) -> str:
        return "yes" if case.general_licence else "no"

"""The case file's parties and sources: one column layout for export and import, a file
exported imports back unchanged, a bad party or source is a row error naming the row and
the column (and nothing of the file is saved), and the cost does not grow per row."""

from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.validators import uscc_check_char
from shipments.choices import ImportState
from shipments.importing import (
    CASE_COLUMNS,
    IMPORT_COLUMNS,
    INTERMEDIARY_DETAILS,
    LAYOUT,
    NOT_IN_REGISTRY,
    PARTY_DETAILS,
    SOURCE_DETAILS,
    import_template,
)
from shipments.models import Case, CaseParty, CaseSource, ImportJobRow, TimelineEvent
from shipments.resources import EXPORT_COLUMNS, CaseResource
from shipments.services import (
    case_create,
    case_update,
    cases_import,
    import_job_confirm,
    import_job_create,
)
from shipments.services.import_jobs import import_job_check, import_job_run
from tests.shipments.factories import producer_create
from tests.shipments.test_import import GOOD, dataset

pytestmark = pytest.mark.django_db


def uscc(body: str) -> str:
    """A valid Unified Social Credit Code from its first 17 characters."""
    return body + uscc_check_char(body)


PLANT_USCC = uscc("91150200MA0Q12345")
EXPORTER_USCC = uscc("91330200MA2KABCDE")


@pytest.fixture
def plant(producer):
    producer.uscc = PLANT_USCC
    producer.name_zh = "包头测试分离厂"
    producer.save()
    return producer


def _export(queryset=None, fmt="csv"):
    return CaseResource().export(queryset if queryset is not None else Case.objects.all())


def _rows(data: tablib.Dataset) -> list[dict]:
    """The rows as text (an XLSX gives numbers, and None for an empty cell)."""
    return [
        {h: "" if v is None else str(v) for h, v in zip(data.headers, row, strict=True)}
        for row in data
    ]


def _file(*rows: dict) -> tablib.Dataset:
    """Like test_import.dataset, with any further columns the rows use (e.g. omitted)."""
    extra = sorted({k for row in rows for k in row} - set(IMPORT_COLUMNS))
    data = tablib.Dataset(headers=[*IMPORT_COLUMNS, *extra])
    for row in rows:
        data.append([row.get(c, "") for c in data.headers])
    return data


def _magnet_case(officer, plant):
    """A Nd-Pr-Dy magnet with two upstream sources (a registry plant, a typed one) and
    three parties declared (buyer, exporter, trader) besides the end user."""
    return case_create(
        actor=officer,
        reference="MAG-001",
        buyer="Bavaria Servo GmbH",
        exporter="Ningbo Test Magnetics Co.",
        product_form="magnet",
        quantity_kg=Decimal("1200"),
        destination="DE",
        end_use="industrial",
        end_user="Bavaria Servo GmbH",
        elements={"Nd": Decimal("28"), "Pr": Decimal("7"), "Dy": Decimal("4")},
        hs_code="8505111000",
        licence_status="not_required",
        parties=[
            {
                "role": "buyer",
                "name": "Bavaria Servo GmbH",
                "country": "DE",
                "lei": "529900T8BM49AURSDO55",
                "registry_number": "HRB 123456",
            },
            {
                "role": "exporter",
                "name": "Ningbo Test Magnetics Co.",
                "country": "CN",
                "uscc": EXPORTER_USCC,
            },
            {"role": "trader", "name": "Hong Kong Metals Ltd", "country": "HK"},
        ],
        sources=[
            {
                "label": "NdPr",
                "elements": ["Nd", "Pr"],
                "producer": plant,
                "ore_category": "light",
                "production_year": 2025,
                "evidence": ["supplier_declaration", "invoice"],
            },
            {
                "label": "Dy",
                "elements": ["Dy"],
                "plant_name": "Longnan Test Separation",
                "ore_category": "ionic",
                "production_year": 2024,
                "evidence": ["certificate_of_origin"],
                "note": "Per the supplier's declaration of 3 March.",
            },
        ],
    )


def _facts(case: Case) -> tuple:
    parties = [
        (p.role, p.name, p.country, p.uscc, p.lei, p.registry_number) for p in case.parties.all()
    ]
    sources = [
        (
            s.label,
            s.elements,
            s.producer_id,
            s.plant_name,
            s.ore_category,
            s.production_year,
            s.evidence,
            s.note,
        )
        for s in case.sources.all()
    ]
    return sorted(parties), sources


# --- one layout ---------------------------------------------------------------------------


def test_the_export_writes_the_import_layout_around_the_assessment_columns(officer, plant):
    _magnet_case(officer, plant)
    data = _export()
    assert tuple(data.headers) == EXPORT_COLUMNS
    assert EXPORT_COLUMNS[6:-2] == tuple(c for c in LAYOUT if c != "watchers")
    assert set(LAYOUT) <= set(IMPORT_COLUMNS)
    row = _rows(data)[0]
    assert row["buyer_lei"] == "529900T8BM49AURSDO55"
    assert row["exporter_uscc"] == EXPORTER_USCC
    assert (row["intermediary_1_role"], row["intermediary_1_name"]) == (
        "trader",
        "Hong Kong Metals Ltd",
    )
    assert row["source_1_elements"] == "Nd Pr"
    assert (row["source_1_plant"], row["source_1_plant_uscc"]) == (plant.name_en, PLANT_USCC)
    assert row["source_1_evidence"] == "supplier_declaration invoice"
    assert row["source_2_plant"] == f"Longnan Test Separation{NOT_IN_REGISTRY}"
    assert (row["source_3_label"], row["omitted"]) == ("", "")


def test_the_operations_guide_and_the_import_page_name_every_column(officer_client):
    from pathlib import Path

    from django.conf import settings
    from django.urls import reverse

    guide = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    page = officer_client.get(reverse("shipments:case_import")).content.decode()
    named = [
        *CASE_COLUMNS,
        *(f"<role>_{d}" for d in PARTY_DETAILS),
        *(f"intermediary_<n>_{d}" for d in INTERMEDIARY_DETAILS),
        *(f"source_<n>_{d}" for d in SOURCE_DETAILS),
    ]
    assert [c for c in named if f"`{c}`" not in guide] == []
    on_page = [*CASE_COLUMNS, *(f"_{d}" for d in PARTY_DETAILS)]
    on_page += [f"intermediary_1_{d}" for d in INTERMEDIARY_DETAILS]
    on_page += [f"source_1_{d}" for d in SOURCE_DETAILS]
    assert [c for c in on_page if c not in page] == []


def test_the_template_offered_for_download_is_the_layout_and_imports(officer, elements):
    producer_create(None, name_en="Baotou Huamei Rare Earth Hi-Tech")
    data = import_template()
    assert tuple(data.headers) == LAYOUT
    report = cases_import(actor=officer, dataset=data, dry_run=True)
    assert report.ok, report.errors


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_case_with_two_sources_and_three_parties_exported_imports_back_unchanged(
    officer, plant, fmt
):
    original = _magnet_case(officer, plant)
    facts = _facts(original)
    band = original.band
    body = _export().export(fmt)
    Case.objects.all().delete()

    loaded = tablib.Dataset().load(body, format=fmt)
    report = cases_import(actor=officer, dataset=loaded, dry_run=False)
    assert report.ok, report.errors
    again = Case.objects.get(reference="MAG-001")
    assert _facts(again) == facts
    assert again.band == band
    before, after = _rows(tablib.Dataset().load(body, format=fmt)), _rows(_export())
    for row in (*before, *after):
        row.pop("assessed_at")
    assert after == before


def test_what_the_layout_has_no_room_for_is_named_in_omitted_and_the_import_refuses_it(
    officer, plant
):
    case = _magnet_case(officer, plant)
    traders = [
        {"role": "trader", "name": f"Trader {n}", "uscc": EXPORTER_USCC if n == 1 else ""}
        for n in range(1, 5)
    ]
    sources = [
        {"elements": ["Nd"], "plant_name": f"Plant {n}", "evidence": ["invoice"]}
        for n in range(1, 6)
    ]
    case_update(
        case=case,
        actor=officer,
        changes={"parties": [*_headline_parties(case), *traders], "sources": sources},
    )
    row = _rows(_export())[0]
    assert row["intermediary_3_name"] == "Trader 3"
    assert row["omitted"] == (
        "Not in this file: USCC of intermediary 1 (Trader 1); trader Trader 4; source Nd (Plant 5)."
    )
    Case.objects.all().delete()
    report = cases_import(actor=officer, dataset=_export_of_rows([row]), dry_run=False)
    assert [(e.row, e.field) for e in report.errors] == [(2, "omitted")]
    assert not Case.objects.exists()


def _headline_parties(case: Case) -> list[dict]:
    return [{"role": p.role, "name": p.name} for p in case.parties.exclude(role="trader")]


def _export_of_rows(rows: list[dict]) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(EXPORT_COLUMNS))
    for row in rows:
        data.append([row[c] for c in EXPORT_COLUMNS])
    return data


def test_a_file_exported_before_parties_and_sources_still_imports(officer, plant):
    old_columns = (
        "band", "score", "status", "reference", "buyer", "exporter", "producer",
        "producer_group", "supplier_text", "product_form", "elements", "hs_code",
        "quantity_kg", "destination", "end_use", "end_user", "consignee",
        "planned_ship_date", "licence_status", "licence_number", "licence_applied_on",
        "licence_valid_until", "general_licence", "owner", "assessed_at",
    )  # fmt: skip
    row = {**GOOD, "band": "High", "score": "60", "status": "Open", "producer": plant.name_en}
    data = tablib.Dataset(headers=list(old_columns))
    data.append([row.get(c, "") for c in old_columns])
    report = cases_import(actor=officer, dataset=data, dry_run=False)
    assert report.ok, report.errors
    assert Case.objects.get().sources.get().producer == plant


def test_sources_and_parties_go_through_the_background_import_and_are_inserted_in_bulk(
    officer, plant
):
    rows = [
        {
            **GOOD,
            "reference": f"SRC-{i}",
            "exporter_country": "CN",
            "exporter_uscc": EXPORTER_USCC,
            "intermediary_1_role": "Freight forwarder",
            "intermediary_1_name": "Rotterdam Forwarding BV",
            "source_1_label": "NdPr",
            "source_1_elements": "Nd, Pr",
            "source_1_plant_uscc": PLANT_USCC.lower(),
            "source_1_ore": "light",
            "source_1_year": "2025",
            "source_1_evidence": "supplier_declaration, invoice",
        }
        for i in range(3)
    ]
    upload = SimpleUploadedFile("c.csv", dataset(*rows).export("csv").encode())
    job = import_job_create(actor=officer, file=upload)
    job = import_job_check(job_id=job.pk)
    assert job.state == ImportState.CHECKED, job.errors
    kept = ImportJobRow.objects.filter(job=job).first().data
    assert kept["sources"][0]["producer_id"] == plant.pk
    assert {p["role"] for p in kept["parties"]} == {"buyer", "exporter", "end_user", "forwarder"}
    import_job_confirm(job=job, actor=officer)
    job = import_job_run(job_id=job.pk)
    assert job.state == ImportState.DONE
    case = Case.objects.get(reference="SRC-0")
    source = case.sources.get()
    assert (source.producer, source.elements, source.evidence) == (
        plant,
        ["Nd", "Pr"],
        ["supplier_declaration", "invoice"],
    )
    exporter = case.parties.get(role="exporter")
    assert (exporter.name, exporter.uscc) == ("Baotou Export Co.", EXPORTER_USCC)
    assert case.parties.filter(role="forwarder", name="Rotterdam Forwarding BV").exists()
    assert CaseSource.objects.count() == 3
    created = TimelineEvent.objects.get(case=case, kind="created")
    assert plant.name_en in created.data["sources"]
    assert "Freight forwarder: Rotterdam Forwarding BV" in created.data["parties"]


# --- the deprecated producer column ---------------------------------------------------------


def test_the_old_producer_column_still_imports_as_a_source_or_the_exporters_record(officer, plant):
    maker = producer_create(None, kind="magnet_maker", name_en="Ningbo Test Magnet Works")
    rows = [
        {**GOOD, "producer": PLANT_USCC},
        {**GOOD, "reference": "IMP-002", "producer": "ningbo test magnet works"},
    ]
    report = cases_import(actor=officer, dataset=dataset(*rows), dry_run=False)
    assert report.ok, report.errors
    first, second = Case.objects.order_by("reference")
    assert [(s.producer, set(s.elements)) for s in first.sources.all()] == [(plant, {"Nd", "Pr"})]
    assert not second.sources.exists()
    assert second.parties.get(role="exporter").producer == maker


# --- bad parties and sources --------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "column", "message"),
    [
        # an unknown plant
        (
            {"source_1_elements": "Nd Pr", "source_1_plant": "Nowhere Separation Plant"},
            "source_1_plant",
            "Unknown plant “Nowhere Separation Plant”",
        ),
        (
            {"source_1_elements": "Nd Pr", "source_1_plant_uscc": uscc("91150200MA0Q99999")},
            "source_1_plant_uscc",
            "No plant in the reference data has USCC",
        ),
        # an element not in the case, named in the slot it was written in
        (
            {"source_2_elements": "Dy", "source_2_plant": "{plant}"},
            "source_2_elements",
            "Dy is not among the case's elements",
        ),
        # a duplicate role
        (
            {"intermediary_1_role": "buyer", "intermediary_1_name": "Second Buyer AG"},
            "intermediary_1_role",
            "A case has one buyer: write it in the buyer columns",
        ),
        (
            {"intermediary_3_role": "Licence holder", "intermediary_3_name": "Holder Co."},
            "intermediary_3_role",
            "A case has one licence holder",
        ),
        # malformed USCCs
        ({"exporter_uscc": "91110000MA1234"}, "exporter_uscc", "18 characters"),
        (
            {"source_1_elements": "Nd", "source_1_plant_uscc": "91110000MA12345IO0"},
            "source_1_plant_uscc",
            "digits and capital letters",
        ),
        # the rest of a source's and a party's cells
        (
            {"source_1_elements": "Nd", "source_1_plant": "{plant}", "source_1_evidence": "rumour"},
            "source_1_evidence",
            "unknown document type(s) rumour",
        ),
        (
            {"source_1_elements": "Nd", "source_1_plant": "{plant}", "source_1_ore": "moon"},
            "source_1_ore",
            "Unknown ore category",
        ),
        (
            {"source_1_elements": "Nd", "source_1_plant": "{plant}", "source_1_year": "1800"},
            "source_1_year",
            "greater than or equal to 1990",
        ),
        (
            {"source_1_elements": "Nd", "source_1_plant": "{plant}", "source_1_year": "recent"},
            "source_1_year",
            "four digits",
        ),
        ({"source_1_elements": "Nd"}, "source_1_plant", "choose the plant"),
        ({"source_1_plant": "{plant}"}, "source_1_elements", "name the element(s)"),
        (
            {"source_1_elements": "Nd", "source_1_plant": "Ningbo Test Magnet Works"},
            "source_1_plant",
            "not a separation plant or mine",
        ),
        (
            {"source_1_elements": "Nd", "source_1_plant": "{plant}", "source_1_plant_uscc": "x"},
            "source_1_plant_uscc",
            "18 characters",
        ),
        (
            {
                "source_1_elements": "Nd",
                "source_1_plant": f"Elsewhere{NOT_IN_REGISTRY}",
                "source_1_plant_uscc": PLANT_USCC,
            },
            "source_1_plant_uscc",
            "named only",
        ),
        (
            {"source_1_elements": "Nd", "source_1_plant": "Other", "source_1_plant_uscc": "{u}"},
            "source_1_plant",
            "is not a name of",
        ),
        ({"intermediary_2_name": "Anon Trading"}, "intermediary_2_role", "Give the intermediary"),
        ({"intermediary_1_role": "broker", "intermediary_1_name": "X"}, "intermediary_1_role", ""),
        ({"buyer_lei": "ABC"}, "buyer_lei", "Legal Entity Identifier"),
        ({"buyer_country": "Germany"}, "buyer_country", ""),
        ({"licence_holder_uscc": "12345"}, "licence_holder", "cannot be blank"),
        ({"omitted": "Not in this file: source Tb (X)."}, "omitted", "would lose them"),
    ],
)
def test_a_bad_party_or_source_names_row_and_column_and_nothing_is_imported(
    officer, plant, bad, column, message
):
    producer_create(None, kind="magnet_maker", name_en="Ningbo Test Magnet Works")
    cells = {
        k: v.replace("{plant}", plant.name_en).replace("{u}", PLANT_USCC) for k, v in bad.items()
    }
    rows = [
        {**GOOD, "source_1_elements": "Nd Pr", "source_1_plant": plant.name_en},
        {**GOOD, "reference": "IMP-002", **cells},
        {**GOOD, "reference": "IMP-003"},
    ]
    report = cases_import(actor=officer, dataset=_file(*rows), dry_run=False)
    assert (3, column) in [(e.row, e.field) for e in report.errors], report.errors
    assert {e.row for e in report.errors} == {3}
    assert any(message in e.message for e in report.errors if e.field == column)
    assert not Case.objects.exists()
    assert not CaseParty.objects.exists()
    assert not CaseSource.objects.exists()


def test_a_bad_source_fails_the_background_check_and_nothing_is_kept_or_imported(officer, plant):
    rows = [
        {**GOOD, "reference": f"BAD-{i}", "source_1_elements": "Nd", "source_1_plant": "Nowhere"}
        if i == 2
        else {
            **GOOD,
            "reference": f"BAD-{i}",
            "source_1_elements": "Nd Pr",
            "source_1_plant": "包头测试分离厂",
        }
        for i in range(4)
    ]
    upload = SimpleUploadedFile("c.csv", dataset(*rows).export("csv").encode())
    job = import_job_check(job_id=import_job_create(actor=officer, file=upload).pk)
    assert job.state == ImportState.FAILED
    assert [(e["row"], e["field"]) for e in job.errors] == [(4, "source_1_plant")]
    assert not ImportJobRow.objects.exists()
    assert not Case.objects.exists()


# --- cost ---------------------------------------------------------------------------------


def _source_rows(n: int, plant, other) -> list[dict]:
    return [
        {
            **GOOD,
            "reference": f"Q-{n}-{i:04d}",
            "elements": "Nd:30, Pr:10, Dy",
            "exporter_uscc": EXPORTER_USCC,
            "intermediary_1_role": "trader",
            "intermediary_1_name": f"Trader {i % 7}",
            "source_1_elements": "Nd Pr",
            "source_1_plant": plant.name_en if i % 2 else plant.name_zh,
            "source_1_evidence": "invoice",
            "source_2_elements": "Dy",
            "source_2_plant_uscc": other.uscc,
            "source_2_ore": "ionic",
            "source_3_elements": "Dy" if i % 3 == 0 else "",
            "source_3_plant": "Typed Plant (not in registry)" if i % 3 == 0 else "",
        }
        for i in range(n)
    ]


def test_importing_rows_with_sources_costs_the_same_queries_for_10_or_60_rows(officer, plant):
    other = producer_create(None, name_en="Ganzhou Test Separation", uscc=uscc("91360700MA35TEXT0"))
    cases_import(actor=officer, dataset=dataset(*_source_rows(3, plant, other)), dry_run=False)
    counts = {}
    for n in (10, 60):  # after a first file: Django's own caches (content types) are warm
        with CaptureQueriesContext(connection) as queries:
            report = cases_import(
                actor=officer, dataset=dataset(*_source_rows(n, plant, other)), dry_run=False
            )
        assert report.ok, report.errors[:3]
        counts[n] = len(queries)
    assert CaseSource.objects.count() == 73 * 2 + 1 + 4 + 20
    assert counts[60] == counts[10], counts


def test_the_background_check_and_import_cost_does_not_grow_with_the_rows(officer, plant):
    other = producer_create(None, name_en="Ganzhou Test Separation", uscc=uscc("91360700MA35TEXT0"))
    cases_import(actor=officer, dataset=dataset(*_source_rows(3, plant, other)), dry_run=False)
    counts = {}
    for n in (10, 60):
        body = dataset(*_source_rows(n, plant, other)).export("csv").encode()
        job = import_job_create(actor=officer, file=SimpleUploadedFile(f"{n}.csv", body))
        with CaptureQueriesContext(connection) as check:
            job = import_job_check(job_id=job.pk)
        assert job.state == ImportState.CHECKED, job.errors[:3]
        import_job_confirm(job=job, actor=officer)
        with CaptureQueriesContext(connection) as run:
            job = import_job_run(job_id=job.pk)
        assert job.state == ImportState.DONE
        counts[n] = (len(check), len(run))
    assert counts[60] == counts[10], counts


def test_the_export_costs_the_same_queries_for_2_or_12_cases(officer, plant):
    other = producer_create(None, name_en="Ganzhou Test Separation", uscc=uscc("91360700MA35TEXT0"))
    cases_import(actor=officer, dataset=dataset(*_source_rows(2, plant, other)), dry_run=False)
    with CaptureQueriesContext(connection) as small:
        _export().export("csv")
    cases_import(actor=officer, dataset=dataset(*_source_rows(10, plant, other)), dry_run=False)
    with CaptureQueriesContext(connection) as large:
        data = _export()
    assert data.height == 12
    assert len(large) == len(small)

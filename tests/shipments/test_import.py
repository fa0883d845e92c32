import datetime as dt

import pytest
import tablib

from shipments.importing import IMPORT_COLUMNS
from shipments.models import Case, CaseSource, TimelineEvent
from shipments.services import cases_import

pytestmark = pytest.mark.django_db

GOOD = {
    "reference": "IMP-001",
    "buyer": "Example Motors GmbH",
    "exporter": "Baotou Export Co.",
    "supplier_text": "",
    "product_form": "oxide",
    "elements": "Nd:75, Pr:25",
    "hs_code": "2846901999",
    "quantity_kg": "1000",
    "destination": "de",
    "end_use": "automotive",
    "end_user": "Example Motors GmbH",
    "consignee": "",
    "planned_ship_date": "2026-12-15",
    "licence_status": "Not required",
    "licence_number": "",
    "licence_applied_on": "",
    "licence_valid_until": "",
    "general_licence": "no",
    "owner": "",
    "watchers": "",
}


def dataset(*rows: dict) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(IMPORT_COLUMNS))
    for row in rows:
        data.append([row.get(c, "") for c in IMPORT_COLUMNS])
    return data


def test_a_plant_can_be_named_by_one_of_its_aliases(officer, producer):
    producer.aliases = ["Baotou Huamei", "包头华美"]
    producer.save()
    rows = [
        {**GOOD, "source_1_elements": "Nd Pr", "source_1_plant": "baotou huamei"},
        {**GOOD, "reference": "IMP-2", "producer": "包头华美"},  # the deprecated column
    ]
    report = cases_import(actor=officer, dataset=dataset(*rows), dry_run=False)
    assert report.ok, report.errors
    sources = CaseSource.objects.filter(case__reference__in=["IMP-001", "IMP-2"])
    assert [(s.producer, set(s.elements)) for s in sources] == [(producer, {"Nd", "Pr"})] * 2


def test_a_valid_file_imports_every_row_through_case_create(officer, producer, second_officer):
    rows = [
        {**GOOD, "producer": producer.name_en, "owner": "oscar"},
        {**GOOD, "reference": "IMP-002", "elements": "Dy", "product_form": "Oxide"},
    ]
    report = cases_import(actor=officer, dataset=dataset(*rows), dry_run=False)
    assert report.ok, report.errors
    assert report.created == ["IMP-001", "IMP-002"]
    first = Case.objects.get(reference="IMP-001")
    assert [s.producer for s in first.sources.all()] == [producer]
    assert first.owner == second_officer
    assert first.destination == "DE"
    assert first.planned_ship_date == dt.date(2026, 12, 15)
    assert first.latest_assessment is not None
    assert TimelineEvent.objects.filter(case=first, kind="created", actor=officer).exists()


def test_a_dry_run_reports_and_saves_nothing(officer, elements):
    report = cases_import(actor=officer, dataset=dataset(GOOD), dry_run=True)
    assert report.ok
    assert report.created == ["IMP-001"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"producer": "Nowhere Rare Earth Ltd"}, "producer", "Unknown producer"),
        ({"elements": "Nd:50, Fe:20"}, "elements", "Not a rare earth element: Fe"),
        ({"quantity_kg": "0"}, "quantity_kg", "Quantity must be more than zero."),
        ({"quantity_kg": "-3"}, "quantity_kg", "Quantity must be more than zero."),
        ({"quantity_kg": "lots"}, "quantity_kg", "number of kilograms"),
        ({"planned_ship_date": "next week"}, "planned_ship_date", "Ship date is not a date"),
        ({"hs_code": "28469"}, "hs_code", "10-digit tariff line"),
        ({"end_use": "fun"}, "end_use", "Unknown end use"),
        ({"owner": "victor"}, "owner", "cannot own cases"),
    ],
)
def test_any_bad_row_saves_nothing_and_names_row_and_field(
    officer, producer, viewer, bad, field, message
):
    rows = [GOOD, {**GOOD, "reference": "IMP-002", **bad}]
    report = cases_import(actor=officer, dataset=dataset(*rows), dry_run=False)
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [(3, field)]
    assert message in report.errors[0].message
    assert not Case.objects.exists()


def test_a_duplicate_reference_in_the_file_or_the_database_is_an_error(officer, elements):
    cases_import(actor=officer, dataset=dataset(GOOD), dry_run=False)
    rows = [GOOD, {**GOOD, "reference": "IMP-002"}, {**GOOD, "reference": "imp-002"}]
    report = cases_import(actor=officer, dataset=dataset(*rows), dry_run=False)
    errors = [(e.row, e.field, e.message) for e in report.errors]
    assert (2, "reference", "A case with reference IMP-001 already exists.") in errors
    assert any(r == 4 and "also on row 3" in m for r, _, m in errors)
    assert Case.objects.count() == 1


def test_a_row_reports_every_bad_field_at_once(officer, elements):
    row = {**GOOD, "elements": "Nd, Fe", "quantity_kg": "0", "hs_code": "28469"}
    report = cases_import(actor=officer, dataset=dataset(row), dry_run=True)
    assert {(e.row, e.field) for e in report.errors} == {
        (2, "elements"),
        (2, "quantity_kg"),
        (2, "hs_code"),
    }


def test_missing_columns_are_reported_on_the_header_row(officer, elements):
    data = tablib.Dataset(headers=["reference", "buyer"])
    data.append(["X", "Y"])
    report = cases_import(actor=officer, dataset=data, dry_run=True)
    assert report.errors[0].row == 1
    assert "Missing columns" in report.errors[0].message


def test_an_xlsx_file_round_trips_through_the_import_pages(
    officer_client, elements, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cases.xlsx", dataset(GOOD).export("xlsx"))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post("/cases/import/", {"file": upload})
    assert response.status_code == 302
    page = officer_client.get(response["Location"])
    assert b"All 1 row are valid" in page.content
    assert not Case.objects.exists()
    confirm = page.context["job"]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/cases/import/{confirm.pk}/confirm/")
    assert response.status_code == 302
    assert Case.objects.filter(reference="IMP-001", import_job=confirm).exists()


def test_the_import_pages_show_row_errors(
    officer_client, elements, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "cases.csv", dataset({**GOOD, "quantity_kg": "0"}).export("csv").encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post("/cases/import/", {"file": upload})
    response = officer_client.get(response["Location"])
    assert b"nothing was saved" in response.content
    assert b"Quantity must be more than zero." in response.content
    assert b"quantity_kg" in response.content

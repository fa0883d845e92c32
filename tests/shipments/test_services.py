import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import assessments.services
from assessments.models import Assessment
from shipments import services
from shipments.choices import TimelineKind
from shipments.models import Case, Document, TimelineEvent
from shipments.services import (
    case_create,
    case_document_add,
    case_status_change,
    case_update,
    case_watchers_set,
)
from tests.shipments.factories import case_create_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(monkeypatch):
    """Record assessment_run calls instead of running the method."""
    calls = []

    def record(**kw):
        calls.append((kw["trigger"], kw["actor"]))

    # Behind the shipments.case_assess port (assessments/entrypoints.py).
    monkeypatch.setattr(assessments.services, "assessment_run", record)
    return calls


def test_creating_a_case_saves_elements_records_the_creator_and_assesses_it(case_data, officer):
    case = case_create(**case_data)

    assert case.owner == officer
    assert case.created_by == officer
    assert [(ce.element_id, ce.content_share) for ce in case.case_elements.all()] == [
        ("Pr", Decimal("25.00")),
        ("Nd", Decimal("75.00")),
    ]
    created = case.timeline.get(kind=TimelineKind.CREATED)
    assert created.actor == officer
    # The real assessment ran in the same transaction and moved the case to it.
    assessment = Assessment.objects.get(case=case)
    assert assessment.trigger == "created"
    assert case.latest_assessment == assessment
    assert case.band == assessment.band
    assert case.timeline.filter(kind=TimelineKind.ASSESSED).exists()


def test_a_composition_not_yet_known_is_recorded_and_the_method_asks_for_it(case_data):
    case = case_create(**{**case_data, "elements": {}, "producer": None})
    assert not case.case_elements.exists()
    scope = next(f for f in case.latest_assessment.factors if f["factor"] == "product_scope")
    assert scope["severity"] == "high"
    assert "declare the composition (elements and shares)" in scope["next_steps"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"elements": {"Nd": 50, "Fe": 10}}, "elements", "Not a rare earth element: Fe"),
        ({"elements": {"Nd": 80, "Pr": 30}}, "elements", "more than 100%"),
        ({"quantity_kg": Decimal("0")}, "quantity_kg", "Quantity must be more than zero."),
        ({"quantity_kg": Decimal("-5")}, "quantity_kg", "Quantity must be more than zero."),
        ({"planned_ship_date": "2026-02-31"}, "planned_ship_date", "invalid date"),
        ({"hs_code": "2846.90"}, "hs_code", "10-digit tariff line"),
        ({"destination": "Germany"}, "destination", ""),
        ({"product_form": "powder"}, "product_form", "not a valid choice"),
    ],
)
def test_create_rejects_bad_input_with_a_field_keyed_error(case_data, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        case_create(**{**case_data, **changes})
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert not Case.objects.exists()


def test_a_duplicate_reference_is_rejected_whatever_its_case(case_data):
    case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_create(**{**case_data, "reference": case_data["reference"].lower()})
    assert "already exists" in exc.value.message_dict["reference"][0]


def test_an_edit_records_one_timeline_entry_per_changed_field_with_old_and_new(
    case_data, second_officer, runs
):
    case = case_create(**case_data)
    actor = case_data["actor"]
    runs.clear()

    case_update(
        case=case,
        actor=second_officer,
        changes={
            "quantity_kg": Decimal("2500"),
            "end_use": "defence",
            "buyer": case.buyer,  # unchanged: no entry
            "elements": {"Nd": 75, "Pr": 20, "Dy": 5},
        },
    )

    events = {
        e.data["field"]: e
        for e in TimelineEvent.objects.filter(case=case, kind=TimelineKind.FIELD_CHANGED)
    }
    assert set(events) == {"quantity_kg", "end_use", "elements"}
    assert events["quantity_kg"].data["old"] == "1500"
    assert events["quantity_kg"].data["new"] == "2500"
    assert events["end_use"].data == {
        "field": "end_use",
        "label": "End use",
        "old": "Automotive",
        "new": "Defence / military",
    }
    assert events["elements"].data["new"] == "Pr 20%, Nd 75%, Dy 5%"
    assert all(e.actor == second_officer for e in events.values())
    assert actor != second_officer
    assert runs == [("edited", second_officer)]


def test_an_edit_of_a_fact_the_assessment_does_not_read_is_not_reassessed(case_data, runs):
    case = case_create(**case_data)
    runs.clear()
    case_update(case=case, actor=case_data["actor"], changes={"supplier_text": "Says Baotou"})
    assert runs == []
    assert case.timeline.filter(kind=TimelineKind.FIELD_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("buyer", "New Buyer Ltd"),  # every party is screened (second edition)
        ("licence_number", "LIC-2026-9"),
        ("reference", "CASE-RENAMED"),
    ],
)
def test_an_edit_of_a_text_the_method_reads_is_reassessed(case_data, runs, field, value):
    """The old hand-kept list skipped these although the method reads them."""
    case = case_create(**case_data)
    runs.clear()
    case_update(case=case, actor=case_data["actor"], changes={field: value})
    assert runs == [("edited", case_data["actor"])]


def test_the_fields_the_method_reads_are_derived_from_its_inputs():
    """Every CaseFacts/LicenceFacts field is mapped to the Case; an editable case field is
    re-assessed exactly when the method reads it."""
    import dataclasses

    from assessments.selectors.case_rows import (
        CASE_FACT_COLUMNS,
        CASE_FACT_RELATIONS,
        CASE_FIELDS_READ,
        LICENCE_FACT_COLUMNS,
        RECORD_BUILT_FIELDS,
        RECORD_FACT_FIELDS,
    )
    from method.inputs import CaseFacts, LicenceFacts

    assert {f.name for f in dataclasses.fields(CaseFacts)} == {
        *CASE_FACT_COLUMNS,
        *CASE_FACT_RELATIONS,
    }
    # A case's own columns, or its licence record's fields and what only a record has.
    licence_fields = {f.name for f in dataclasses.fields(LicenceFacts)}
    assert set(LICENCE_FACT_COLUMNS) <= licence_fields
    assert licence_fields == {*RECORD_FACT_FIELDS, *RECORD_BUILT_FIELDS}
    not_read = {"supplier_text", "owner", "watchers"}
    editable = {*services.CASE_FIELDS, "elements", "watchers", "parties", "sources"}
    assert editable - CASE_FIELDS_READ == not_read


def test_an_edit_with_no_real_change_records_nothing(case_data, runs):
    case = case_create(**case_data)
    before = case.timeline.count()
    runs.clear()
    case_update(
        case=case,
        actor=case_data["actor"],
        changes={"quantity_kg": Decimal("1500.000"), "elements": {"Nd": "75", "Pr": "25.0"}},
    )
    assert case.timeline.count() == before
    assert runs == []


def test_an_invalid_edit_changes_nothing(case_data, runs):
    case = case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_update(case=case, actor=case_data["actor"], changes={"quantity_kg": Decimal(0)})
    assert "quantity_kg" in exc.value.message_dict
    case.refresh_from_db()
    assert case.quantity_kg == Decimal("1500")


def test_unknown_fields_cannot_be_changed(case_data, runs):
    case = case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_update(case=case, actor=case_data["actor"], changes={"band": "low"})
    assert "band" in exc.value.message_dict


def test_a_status_change_needs_a_reason_and_is_recorded(case_data, runs):
    case = case_create(**case_data)
    actor = case_data["actor"]
    with pytest.raises(ValidationError) as exc:
        case_status_change(case=case, actor=actor, status="on_hold", reason="  ")
    assert "reason" in exc.value.message_dict

    case = case_status_change(case=case, actor=actor, status="on_hold", reason="Awaiting EUC")
    assert case.status == "on_hold"
    assert case.status_reason == "Awaiting EUC"
    event = case.timeline.get(kind=TimelineKind.STATUS_CHANGED)
    assert event.actor == actor
    assert (event.data["old"], event.data["new"], event.data["reason"]) == (
        "Open",
        "On hold",
        "Awaiting EUC",
    )


def test_reopening_a_closed_case_is_recorded_and_reassessed(case_data, runs):
    case = case_create(**case_data)
    actor = case_data["actor"]
    case_status_change(case=case, actor=actor, status="closed", reason="Shipped")
    runs.clear()
    case = case_status_change(case=case, actor=actor, status="open", reason="Order revived")
    event = case.timeline.filter(kind=TimelineKind.STATUS_CHANGED).first()
    assert event.data["reopened"] is True
    assert event.summary.startswith("Reopened")
    assert runs == [("manual", actor)]


def test_the_same_status_is_not_a_change(case_data, runs):
    case = case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_status_change(case=case, actor=case_data["actor"], status="open", reason="x")
    assert "already open" in exc.value.message_dict["status"][0]


def test_adding_a_document_stores_the_file_records_it_and_reassesses(case_data, runs):
    case = case_create(**case_data)
    runs.clear()
    doc = case_document_add(
        case=case,
        actor=case_data["actor"],
        doc_type="end_user_certificate",
        file=SimpleUploadedFile("euc.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        status="provided",
        expires_on=dt.date(2027, 6, 30),
    )
    assert doc.file.name.startswith(f"cases/{case.pk}/euc")
    event = case.timeline.get(kind=TimelineKind.DOCUMENT_ADDED)
    assert event.data["doc_type"] == "end_user_certificate"
    assert event.actor == case_data["actor"]
    assert runs == [("edited", case_data["actor"])]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ", "cannot be uploaded"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_document_of_a_forbidden_type_or_empty_is_refused(
    case_data, runs, name, content, message
):
    case = case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_document_add(
            case=case,
            actor=case_data["actor"],
            doc_type="contract",
            file=SimpleUploadedFile(name, content),
            status="provided",
            expires_on=None,
        )
    assert message in exc.value.message_dict["file"][0]
    assert not Document.objects.exists()


def test_a_document_over_the_size_limit_is_refused(case_data, runs, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    case = case_create(**case_data)
    with pytest.raises(ValidationError) as exc:
        case_document_add(
            case=case,
            actor=case_data["actor"],
            doc_type="contract",
            file=SimpleUploadedFile("big.pdf", b"x" * 11),
            status="provided",
            expires_on=None,
        )
    assert "the limit is 10" in exc.value.message_dict["file"][0]


def test_watchers_changes_are_recorded(case_data, second_officer, viewer, runs):
    case = case_create(**case_data)
    case_watchers_set(case=case, actor=case_data["actor"], watchers=[second_officer, viewer])
    assert set(case.watchers.all()) == {second_officer, viewer}
    event = case.timeline.get(kind=TimelineKind.FIELD_CHANGED)
    assert event.data["new"] == "oscar, victor"
    # The same set again is not a change.
    case_watchers_set(case=case, actor=case_data["actor"], watchers=[viewer, second_officer])
    assert case.timeline.filter(kind=TimelineKind.FIELD_CHANGED).count() == 1


def test_owner_change_is_attributed(officer, second_officer, elements, runs):
    case = case_create_row(owner=officer)
    case_update(case=case, actor=officer, changes={"owner": second_officer})
    event = case.timeline.get(kind=TimelineKind.FIELD_CHANGED)
    assert (event.data["field"], event.actor) == ("owner", officer)
    assert runs == []

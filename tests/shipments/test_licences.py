"""Licence records: their facts reach the method, their cases consume them in ship order,
and a change to one case re-assesses the others on the licence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Assessment
from assessments.selectors.case_rows import cases_for_assessment_list
from registry.models import Measure, TechnologyItem
from shipments.models import Case, Licence
from shipments.services import case_create, case_status_change, case_update, cases_import
from shipments.services.licences import licence_create, licence_update
from tests.shipments.test_import import GOOD as ROW
from tests.shipments.test_import import dataset
from tests.shipments.test_views import form_data

KG = Decimal("600")


@pytest.fixture
def licence(officer, elements):
    return licence_create(
        actor=officer,
        number="LIC-2026-0001",
        holder="Baotou Export Co.",
        pathway="individual",
        status="granted",
        applied_on=dt.date(2026, 9, 1),
        valid_from=dt.date(2026, 10, 1),
        valid_until=dt.date(2027, 9, 30),
        items=["Nd", "pr"],
        forms=["oxide"],
        quantity_kg=Decimal("1000"),
    )


def _on_licence(case_data, licence, reference, ship, **extra) -> Case:
    data = {**case_data, "reference": reference, "planned_ship_date": ship, "quantity_kg": KG}
    return case_create(licence_record=licence, **{**data, **extra})


def _licence_inputs(case: Case) -> dict:
    case.refresh_from_db()
    return case.latest_assessment.inputs["case"]["licence"]


@pytest.fixture
def three(case_data, licence):
    """Three 600 kg cases on the 1,000 kg licence, opened in the reverse of their ship order:
    consumption follows the ship date, not the order they were opened in."""
    third = _on_licence(case_data, licence, "PO-C", dt.date(2026, 12, 20))
    second = _on_licence(case_data, licence, "PO-B", dt.date(2026, 12, 10))
    first = _on_licence(case_data, licence, "PO-A", dt.date(2026, 12, 1))
    return first, second, third


def test_cases_on_a_licence_consume_it_in_ship_order(three):
    second = three[1]
    assert [_licence_inputs(c)["consumed_kg"] for c in three] == [0.0, 600.0, 1200.0]
    # Each case's facts come from the record.
    facts = _licence_inputs(second)
    assert facts["record_id"] == second.licence_record_id
    assert (facts["number"], facts["status"], facts["quantity_kg"]) == (
        "LIC-2026-0001",
        "granted",
        1000.0,
    )
    assert facts["items"] == ["Nd", "Pr"]  # the service spells symbols as the registry does
    assert (facts["pathway"], facts["holder"]) == ("individual", "Baotou Export Co.")


def test_a_case_with_no_ship_date_consumes_after_the_dated_ones(case_data, licence):
    undated = _on_licence(case_data, licence, "PO-U", None)
    dated = _on_licence(case_data, licence, "PO-D", dt.date(2026, 12, 1))
    assert _licence_inputs(dated)["consumed_kg"] == 0.0
    assert _licence_inputs(undated)["consumed_kg"] == 600.0


def test_editing_the_first_cases_quantity_reassesses_the_others(three, officer):
    first, second, third = three
    before = {c.pk: Assessment.objects.filter(case=c).count() for c in three}
    case_update(case=first, actor=officer, changes={"quantity_kg": Decimal("100")})
    assert _licence_inputs(second)["consumed_kg"] == 100.0
    assert _licence_inputs(third)["consumed_kg"] == 700.0
    after = {c.pk: Assessment.objects.filter(case=c).count() for c in three}
    assert after == {pk: n + 1 for pk, n in before.items()}


def test_an_edit_that_moves_no_consumption_reassesses_only_the_case(three, officer):
    """The last case's quantity is consumed by nobody after it."""
    first, second, third = three
    before = {c.pk: Assessment.objects.filter(case=c).count() for c in three}
    case_update(case=third, actor=officer, changes={"quantity_kg": Decimal("50")})
    after = {c.pk: Assessment.objects.filter(case=c).count() for c in three}
    assert after == {first.pk: before[first.pk], second.pk: before[second.pk],
                     third.pk: before[third.pk] + 1}  # fmt: skip


def test_moving_a_case_off_the_licence_reassesses_the_cases_after_it(three, officer):
    first, second, third = three
    case_update(case=first, actor=officer, changes={"licence_record": None})
    assert _licence_inputs(second)["consumed_kg"] == 0.0
    assert _licence_inputs(third)["consumed_kg"] == 600.0
    assert _licence_inputs(first)["record_id"] is None


def test_a_closed_case_still_consumes_its_licence(three, officer):
    """Closed means shipped: its quantity was taken from the licence."""
    first, second, third = three
    case_status_change(case=first, actor=officer, status="closed", reason="Shipped")
    case_update(case=second, actor=officer, changes={"quantity_kg": Decimal("601")})
    assert _licence_inputs(third)["consumed_kg"] == 1201.0


def test_a_licence_record_edit_reassesses_its_open_cases(three, officer, licence):
    licence_update(licence=licence, actor=officer, changes={"quantity_kg": Decimal("5000")})
    assert [_licence_inputs(c)["quantity_kg"] for c in three] == [5000.0] * 3


def test_a_general_licence_record_says_so_to_the_method(case_data, officer, elements):
    general = licence_create(
        actor=officer,
        number="GEN-1",
        holder="Baotou Export Co.",
        pathway="general",
        status="granted",
        named_parties=["Example Motors GmbH", " "],
    )
    case = _on_licence(case_data, general, "PO-G", dt.date(2026, 12, 1))
    facts = _licence_inputs(case)
    assert facts["general_licence"] is True
    assert facts["named_parties"] == ["Example Motors GmbH"]
    assert facts["quantity_kg"] is None


def test_a_licence_rejects_unknown_elements_forms_and_named_parties_of_an_individual_one(
    officer, elements
):
    with pytest.raises(ValidationError) as exc:
        licence_create(
            actor=officer,
            number="BAD-1",
            holder="X",
            items=["Nd", "Xx"],
            forms=["powder"],
            named_parties=["Someone"],
        )
    assert set(exc.value.message_dict) == {"items", "forms", "named_parties"}


def test_the_batch_reads_licences_in_a_constant_number_of_queries(
    case_data, licence, officer, django_assert_num_queries
):
    other = licence_create(actor=officer, number="LIC-2", holder="Y", quantity_kg=Decimal("9"))
    few = [_on_licence(case_data, licence, f"PO-F{n}", dt.date(2026, 12, n + 1)) for n in range(2)]
    many = [
        _on_licence(case_data, licence if n % 2 else other, f"PO-M{n}", dt.date(2026, 12, n + 1))
        for n in range(6)
    ]

    def count(cases) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            loaded = cases_for_assessment_list([c.pk for c in cases])
        assert all(c.assessment_licence is not None for c in loaded)
        return len(ctx.captured_queries)

    assert count(few) == count(many)


# --- technology ------------------------------------------------------------------------------


@pytest.fixture
def technology_item(db):
    measure = Measure.objects.create(
        key="tech-catalogue-2023",
        title="Catalogue of Technologies Prohibited or Restricted from Export (2023 revision)",
        layers=["technology"],
        effective_from=dt.date(2023, 12, 21),
    )
    return TechnologyItem.objects.create(
        key="ree-extraction", title="Rare earth extraction technology", klass="restricted",
        measure=measure,
    )  # fmt: skip


def test_a_technology_item_is_refused_for_a_case_that_is_not_technology(case_data, technology_item):
    with pytest.raises(ValidationError) as exc:
        case_create(**case_data, technology_item=technology_item)
    assert "technology_item" in exc.value.message_dict


def test_a_technology_case_gives_the_method_its_catalogue_item(case_data, technology_item):
    data = {**case_data, "product_form": "technology", "hs_code": ""}
    case = case_create(**data, technology_item=technology_item)
    case.refresh_from_db()
    facts = case.latest_assessment.inputs["case"]["technology"]
    assert facts["key"] == "ree-extraction"
    assert facts["klass"] == "restricted"
    assert facts["catalogue"].startswith("Catalogue of Technologies")
    assert facts["measure_key"] == "tech-catalogue-2023"


def test_the_case_form_names_the_technology_field_for_a_non_technology_case(
    officer_client, officer, elements, technology_item
):
    response = officer_client.post(
        reverse("shipments:case_create"),
        form_data(technology_item=technology_item.pk, owner=officer.pk),
    )
    assert response.status_code == 200
    assert "technology_item" in response.context["form"].errors


# --- pages ----------------------------------------------------------------------------------


def test_a_viewer_cannot_record_a_licence_in_the_browser(viewer_client, elements):
    assert viewer_client.get(reverse("shipments:licence_create")).status_code == 403
    response = viewer_client.post(
        reverse("shipments:licence_create"), {"number": "V-1", "holder": "V", "pathway":
                                              "individual", "status": "applied"}
    )  # fmt: skip
    assert response.status_code == 403
    assert not Licence.objects.exists()


def test_an_officer_records_a_licence_and_its_page_lists_the_running_consumption(
    officer_client, three, licence
):
    page = officer_client.get(reverse("shipments:licence_detail", args=[licence.pk]))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.case.reference for r in rows] == ["PO-A", "PO-B", "PO-C"]
    assert [r.consumed_through_kg for r in rows] == [600, 1200, 1800]
    assert [r.over for r in rows] == [False, True, True]
    case_page = officer_client.get(reverse("shipments:case_detail", args=[three[0].pk]))
    assert reverse("shipments:licence_detail", args=[licence.pk]) in case_page.text


def test_a_viewer_reads_the_licence_list(viewer_client, licence):
    response = viewer_client.get(reverse("shipments:licence_list"))
    assert response.status_code == 200
    assert "LIC-2026-0001" in response.text


def test_the_licence_form_records_a_licence(officer_client, elements):
    response = officer_client.post(
        reverse("shipments:licence_create"),
        {
            "number": "LIC-FORM-1",
            "holder": "Form Holder Ltd",
            "pathway": "general",
            "status": "applied",
            "items": ["Dy"],
            "forms": ["oxide", "metal"],
            "quantity_kg": "250",
            "named_parties": "Buyer One\nEnd User Two\n",
        },
    )
    licence = Licence.objects.get(number="LIC-FORM-1")
    assert response.status_code == 302
    assert (licence.items, licence.forms) == (["Dy"], ["oxide", "metal"])
    assert licence.named_parties == ["Buyer One", "End User Two"]
    assert licence.history.count() == 1


# --- the case file ---------------------------------------------------------------------------


def test_an_imported_licence_number_that_is_recorded_links_the_case_to_the_record(
    officer, licence, case_data
):
    rows = dataset(
        {**ROW, "reference": "IMP-1", "licence_number": "lic-2026-0001"},
        {**ROW, "reference": "IMP-2", "licence_number": "NOT-RECORDED-7"},
    )
    report = cases_import(actor=officer, dataset=rows, dry_run=False)
    assert report.ok, report.errors
    linked, unlinked = Case.objects.get(reference="IMP-1"), Case.objects.get(reference="IMP-2")
    assert linked.licence_record_id == licence.pk
    assert (unlinked.licence_record_id, unlinked.licence_number) == (None, "NOT-RECORDED-7")
    assert isinstance(rows, tablib.Dataset)

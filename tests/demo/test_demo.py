"""The demo loads through the services, shows every capability the README promises, and
loads again without adding anything."""

import datetime as dt

import pytest

from demo.cases import CASES
from demo.loading import IMPORT_ROWS, demo_load
from notifications.models import OutboxMessage
from registry.models import ApprovedListVersion, ReferenceChange
from registry.selectors import list_version_in_force
from shipments.models import Case, ImportJob
from tests.conftest import ensure_role_groups

pytestmark = pytest.mark.django_db(transaction=True)


def _factor(case: Case, name: str) -> dict:
    assessment = case.assessments.order_by("-created_at", "-pk").first()
    return next(f for f in assessment.factors if f["factor"] == name)


def _bands_and_the_book(first) -> None:
    assert first.users == 5
    assert first.demo_cases == Case.objects.filter(reference__startswith="DEMO-").count()
    assert Case.objects.filter(reference__in=[spec["ref"] for spec in CASES]).count() == len(CASES)
    bands = set(Case.objects.values_list("band", flat=True))
    assert bands == {"low", "medium", "high", "critical"}  # a mix, not one verdict


def _magnet_from_a_maker_with_evidenced_sources_is_not_high_on_eligibility() -> None:
    magnets = [
        case
        for case in Case.objects.filter(
            product_form="magnet",
            status="open",
            parties__role="exporter",
            parties__producer__kind="magnet_maker",
        ).prefetch_related("sources")
        # Two or more sources, each a registry plant (on the list in force) with evidence.
        if len(case.sources.all()) >= 2
        and all(s.producer_id and s.evidence for s in case.sources.all())
    ]
    assert magnets
    for case in magnets:
        eligibility = _factor(case, "producer_eligibility")
        assert eligibility["severity"] in ("none", "low"), (case.reference, eligibility)
        assert "approved on Demo list 2026" in eligibility["reason"]


def _the_demo_lists_are_in_force_not_the_shipped_reported_one() -> None:
    for day, label in [
        (dt.date(2024, 6, 1), "Demo list 2024"),
        (dt.date(2025, 6, 1), "Demo list 2025"),
        (dt.date(2026, 12, 15), "Demo list 2026"),
    ]:
        assert list_version_in_force(day).label == label
    reported = ApprovedListVersion.objects.get(confidence="reported", is_demo=False)
    demo_2024 = ApprovedListVersion.objects.get(label="Demo list 2024")
    assert demo_2024.published_at > reported.published_at  # published now, not back-dated
    # The real group plants are on the demo lists: a Baotou Huamei source is approved.
    assert set(reported.entries.values_list("producer", flat=True)) <= set(
        demo_2024.entries.values_list("producer", flat=True)
    )


def _listed_parties_are_found_in_any_role() -> None:
    buyer = _factor(Case.objects.get(reference="DEMO-046"), "end_use")
    assert buyer["severity"] == "critical"
    assert "The buyer 'General Dynamics Corporation' matches" in buyer["reason"]
    assert "Export Control Control List" in buyer["reason"]
    forwarder = _factor(Case.objects.get(reference="DEMO-047"), "end_use")
    assert forwarder["severity"] == "high"
    assert "The freight forwarder 'Caspian Bridge Logistics FZE' matches" in forwarder["reason"]


def _a_destination_restriction_makes_a_case_critical() -> None:
    case = Case.objects.get(destination="KP")
    assert case.band == "critical"
    end_use = _factor(case, "end_use")
    assert end_use["severity"] == "critical"
    assert [e["kind"] for e in end_use["evidence"]] == ["destination"]


def _a_magnet_with_no_composition_is_held_high() -> None:
    case = Case.objects.get(reference="DEMO-052")
    assert not case.case_elements.exists()
    assert case.band in ("high", "critical")
    assert "declare the composition" in " ".join(_factor(case, "product_scope")["next_steps"])


def test_the_demo_book_loads_once_with_every_capability():
    ensure_role_groups()  # an earlier transactional test's flush may have removed them
    first = demo_load()
    _bands_and_the_book(first)
    _magnet_from_a_maker_with_evidenced_sources_is_not_high_on_eligibility()
    _the_demo_lists_are_in_force_not_the_shipped_reported_one()
    _listed_parties_are_found_in_any_role()
    _a_destination_restriction_makes_a_case_critical()
    _a_magnet_with_no_composition_is_held_high()
    # The pending reference change of the demo re-scored exactly its one case and alerted.
    change = ReferenceChange.objects.filter(summary__contains="Lannion Photonics").get()
    assert change.affected_count == 1
    assert OutboxMessage.objects.exists()
    states = dict(ImportJob.objects.values_list("file_name", "state"))
    assert states == {"demo-magnet-book.csv": "done", "demo-with-an-error.csv": "failed"}
    bad = ImportJob.objects.get(file_name="demo-with-an-error.csv")
    assert [error["row"] for error in bad.errors] == [3]
    assert first.demo_cases == len(CASES) + len(IMPORT_ROWS)  # the book and the imported file

    again = demo_load()
    assert (again.created, again.demo_cases) == (0, first.demo_cases)
    assert ImportJob.objects.count() == 2

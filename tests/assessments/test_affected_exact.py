"""cases_affected_by is exact: it equals a brute force over every active case for random
changes (hypothesis), and a change that moved nobody affects no case."""

import datetime as dt

import pytest
from django.core import mail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.selectors import cases_affected_by
from assessments.selectors.inputs import method_settings
from assessments.services import assessment_run
from assessments.tasks import rescore_change
from method.inputs import WatchEntryFacts
from method.screening import match_party
from registry.choices import ChangeKind
from registry.models import ReferenceChange
from registry.services import approved_list_publish, approved_list_version_create
from shipments.choices import ACTIVE_STATUSES
from shipments.models import Case
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 2, 1)
ELEMENTS = ("Nd", "Pr", "Dy", "Tb", "Eu")
FORMS = ("oxide", "metal", "magnet")
PARTIES = ("Acme Motors GmbH", "Lockheed Martin Corp.", "Skydio", "Nordwind Magnete AG")
DESTINATIONS = ("DE", "US", "KP")
DAYS = (None, dt.date(2025, 6, 1), dt.date(2026, 3, 1), dt.date(2026, 9, 30))


@pytest.fixture
def book(world, officer):
    """Cases over every combination that matters, closed ones included."""
    producers = [world.northern_plant, world.creg_plant, world.xiamen_plant, world.trader, None]
    n = 0
    for i, producer in enumerate(producers):
        for j, form in enumerate(FORMS):
            n += 1
            case_create(
                officer,
                producer=producer,
                form=form,
                elements=tuple(dict.fromkeys((ELEMENTS[(i + j) % 5], ELEMENTS[(i * 2 + j) % 5]))),
                ship=DAYS[(i + j) % len(DAYS)],
                end_user=PARTIES[(i + j) % len(PARTIES)],
                consignee=PARTIES[(i + 2 * j) % len(PARTIES)] if j else "",
                # A listed party in a role the first edition never screened.
                parties=[("forwarder", PARTIES[(i * 3 + j) % len(PARTIES)])] if j % 2 else [],
                destination=DESTINATIONS[(i + j) % len(DESTINATIONS)],
                status="closed" if n % 7 == 0 else "open",
            )
    return world


def _brute_force(change: ReferenceChange) -> set[int]:
    """Each active case checked one by one against the rule written in ReferenceChange."""
    if change.affects_no_case:
        return set()
    # Keys are literal: the registry took the group closure when it recorded the change.
    groups = {int(g) for g in change.group_ids}
    entries = [
        WatchEntryFacts(id=i, list_key="change", list_name="change", name=name)
        for i, name in enumerate(change.party_names)
    ]
    hits = set()
    for case in Case.objects.filter(status__in=ACTIVE_STATUSES):
        if change.producer_ids or change.group_ids:
            # A producer reaches a case as an upstream source or as a party's registry record.
            sources = list(case.sources.select_related("producer"))
            records = {p.producer_id for p in case.parties.all() if p.producer_id}
            by_producer = bool(
                ({s.producer_id for s in sources} | records) & set(change.producer_ids)
            )
            by_group = any(s.producer and s.producer.group_id in groups for s in sources)
            if not (by_producer or by_group):
                continue
        if change.destinations and case.destination not in change.destinations:
            continue
        symbols = set(case.case_elements.values_list("element_id", flat=True))
        if change.elements and not symbols & set(change.elements):
            continue
        if change.forms and case.product_form not in change.forms:
            continue
        day = case.planned_ship_date or TODAY
        if change.date_from and day < change.date_from:
            continue
        if change.date_to and day >= change.date_to:
            continue
        if change.party_names:
            parties = [p.name for p in case.parties.all() if p.name.strip()]
            if not any(match_party(p, entries, method_settings()) for p in parties):
                continue
        hits.add(case.pk)
    return hits


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_cases_affected_by_equals_a_brute_force(book, data):
    producers = [book.northern_plant.pk, book.creg_plant.pk, book.xiamen_plant.pk, book.trader.pk]
    groups = [book.northern.pk, book.creg.pk, book.xiamen.pk]
    subset = lambda values: st.lists(st.sampled_from(values), unique=True, max_size=2)  # noqa: E731
    date_from = data.draw(st.sampled_from(DAYS))
    date_to = data.draw(
        st.sampled_from([d for d in DAYS if not date_from or not d or d > date_from])
    )
    change = ReferenceChange(
        kind=data.draw(st.sampled_from(ChangeKind.values)),
        summary="random change",
        producer_ids=data.draw(subset(producers)),
        group_ids=data.draw(subset(groups)),
        elements=data.draw(subset(ELEMENTS)),
        forms=data.draw(subset(FORMS)),
        destinations=data.draw(subset(list(DESTINATIONS))),
        date_from=date_from,
        date_to=date_to,
        party_names=data.draw(subset([*PARTIES, "Lockheed Martin Corporation"])),
    )
    selected = set(cases_affected_by(change, today=TODAY).values_list("pk", flat=True))
    assert selected == _brute_force(change)


def test_publishing_a_list_identical_to_the_one_in_force_moves_nothing(world, officer, staff_user):
    cases = [
        case_create(officer, producer=p, elements=("Nd", "Dy"))
        for p in (world.northern_plant, world.creg_plant, world.xiamen_plant)
    ]
    for case in cases:
        assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)
    snapshots = Assessment.objects.count()
    mail.outbox.clear()

    same = approved_list_version_create(
        label="Approved producers 2024 (re-issued)",
        effective_from=dt.date(2025, 1, 1),
        copy_from=world.list_2024,
        actor=staff_user,
    )
    change = approved_list_publish(version=same, actor=staff_user)

    assert change.producer_ids == []
    assert change.affects_no_case
    assert not cases_affected_by(change, today=TODAY).exists()
    change = rescore_change(change, today=TODAY)
    assert change.affected_count == 0
    assert Assessment.objects.count() == snapshots
    assert mail.outbox == []


def test_the_change_page_says_a_change_that_moved_nobody_affects_no_case(
    world, staff_user, staff_client
):
    same = approved_list_version_create(
        label="Re-issued", effective_from=dt.date(2025, 1, 1), copy_from=world.list_2024
    )
    change = approved_list_publish(version=same, actor=staff_user)
    page = staff_client.get(f"/registry/changes/{change.pk}/").content.decode()
    assert "no case is re-scored" in page

"""Registry services: each write records a reference change with the right keys."""

import sys
import types
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from kombu.exceptions import OperationalError

from registry import services
from registry.choices import (
    CalendarDayKind,
    ChangeKind,
    ChangeStatus,
    ListEntryStatus,
    QuotaCategory,
    QuotaKind,
    WatchEntryStatus,
)
from registry.models import ReferenceChange
from registry.services.keys import ChangeKeys
from tests.registry.factories import (
    MeasureFactory,
    ProducerFactory,
    ProducerGroupFactory,
    QuotaBatchFactory,
    QuotaCycleFactory,
    WatchListEntryFactory,
    WatchListFactory,
)

pytestmark = pytest.mark.django_db

SEPARATED = ["alloy", "compound", "magnet", "metal", "oxide", "target"]


@pytest.fixture
def fake_tasks(monkeypatch):
    """Stand in for assessments.tasks so the test controls what publishing does."""
    calls: list[int] = []
    module = types.ModuleType("assessments.tasks")

    class Task:
        name = "assessments.tasks.reference_change_rescore"
        error: Exception | None = None

        def apply_async(self, args=(), kwargs=None, retry=True):
            assert retry is False  # a request publishes once, never retried
            if Task.error:
                raise Task.error
            calls.append(*args)

    module.reference_change_rescore = Task()
    monkeypatch.setitem(sys.modules, "assessments.tasks", module)
    return calls, Task


def test_recording_a_change_enqueues_the_rescore_on_commit(
    staff_user, fake_tasks, django_capture_on_commit_callbacks
):
    calls, _ = fake_tasks
    with django_capture_on_commit_callbacks(execute=True):
        change = services.reference_change_record(
            kind=ChangeKind.MEASURE,
            summary="x",
            actor=staff_user,
            keys=ChangeKeys.of(elements=["Tb", "Dy", "Tb"]),
        )
    assert calls == [change.pk]
    assert change.elements == ["Dy", "Tb"]
    assert change.details["actor"]["username"] == staff_user.username


def test_a_dead_broker_leaves_the_change_pending_and_the_request_intact(
    staff_user, fake_tasks, django_capture_on_commit_callbacks
):
    _, task = fake_tasks
    task.error = OperationalError("Connection refused")
    with django_capture_on_commit_callbacks(execute=True):
        change = services.reference_change_record(
            kind=ChangeKind.MEASURE, summary="x", actor=staff_user
        )
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_allocation_keys_cover_predecessors_category_elements_and_smelted_forms(elements):
    creg = ProducerGroupFactory(key="creg")
    southern = ProducerGroupFactory(key="southern", successor=creg)
    older = ProducerGroupFactory(key="older", successor=southern)
    batch = QuotaBatchFactory(cycle=QuotaCycleFactory(year=2024))
    services.quota_allocation_set(
        batch=batch,
        group=creg,
        kind=QuotaKind.SMELTING,
        category=QuotaCategory.IONIC,
        tonnes=Decimal("38990"),
    )
    change = ReferenceChange.objects.get(kind=ChangeKind.QUOTA_ALLOCATION)
    assert change.group_ids == sorted([creg.pk, southern.pk, older.pk])
    # every ionic-category element (elements.yaml): medium and heavy rare earths but Sc
    assert change.elements == ["Dy", "Er", "Eu", "Gd", "Ho", "Lu", "Sm", "Tb", "Tm", "Y", "Yb"]
    assert change.forms == SEPARATED
    assert change.date_from == date(2024, 1, 1)
    assert change.date_to is None
    assert change.details["allocations"][0]["tonnes"] == "38990"


def test_mining_total_allocation_keys_ore_and_any_element(elements):
    group = ProducerGroupFactory()
    batch = QuotaBatchFactory()
    services.quota_allocation_set(
        batch=batch,
        group=group,
        kind=QuotaKind.MINING,
        category=QuotaCategory.TOTAL,
        tonnes=None,
    )
    change = ReferenceChange.objects.get()
    assert change.forms == ["ore"]
    assert change.elements == []


def test_light_allocation_keys_the_light_elements(elements):
    services.quota_allocation_set(
        batch=QuotaBatchFactory(),
        group=ProducerGroupFactory(),
        kind=QuotaKind.MINING,
        category=QuotaCategory.LIGHT,
        tonnes=Decimal(1),
    )
    assert ReferenceChange.objects.get().elements == [
        "Ce",
        "La",
        "Nd",
        "Pr",
    ]  # Pm is light but has no quota category


def test_setting_an_allocation_to_the_same_value_records_nothing(elements):
    kw = {
        "batch": QuotaBatchFactory(),
        "group": ProducerGroupFactory(),
        "kind": QuotaKind.MINING,
        "category": QuotaCategory.LIGHT,
        "tonnes": Decimal(1),
    }
    services.quota_allocation_set(**kw)
    services.quota_allocation_set(**kw)
    assert ReferenceChange.objects.count() == 1


def test_negative_allocation_is_refused_with_a_field_error(elements):
    with pytest.raises(ValidationError) as e:
        services.quota_allocation_set(
            batch=QuotaBatchFactory(),
            group=ProducerGroupFactory(),
            kind=QuotaKind.MINING,
            category=QuotaCategory.LIGHT,
            tonnes=Decimal(-3),
        )
    assert "tonnes" in e.value.message_dict
    assert not ReferenceChange.objects.exists()


def test_quota_cycle_and_batch_are_keyed_from_january_first(staff_user):
    cycle = services.quota_cycle_upsert(year=2026, published=False, actor=staff_user)
    services.quota_batch_issue(cycle=cycle, number=1, mining_total=Decimal(100), actor=staff_user)
    kinds = dict(ReferenceChange.objects.values_list("kind", "date_from"))
    assert kinds == {
        ChangeKind.QUOTA_CYCLE: date(2026, 1, 1),
        ChangeKind.QUOTA_BATCH: date(2026, 1, 1),
    }
    assert set(ReferenceChange.objects.values_list("actor", flat=True)) == {staff_user.pk}


def test_utilisation_report_is_keyed_like_its_allocation(elements):
    group = ProducerGroupFactory()
    cycle = QuotaCycleFactory(year=2024)
    services.quota_utilisation_report(
        cycle=cycle,
        group=group,
        kind=QuotaKind.SMELTING,
        category=QuotaCategory.TOTAL,
        reported_on=date(2024, 10, 31),
        tonnes_used=Decimal("83610"),
    )
    change = ReferenceChange.objects.get(kind=ChangeKind.QUOTA_UTILISATION)
    assert change.group_ids == [group.pk]
    assert change.forms == SEPARATED
    assert change.date_from == date(2024, 1, 1)


def test_measure_create_keys_elements_forms_and_window(elements, staff_user):
    m = services.measure_create(
        key="no-18",
        title="No. 18",
        layers=["licence"],
        effective_from=date(2025, 4, 4),
        elements=["Sm", "Tb"],
        forms=["oxide", "metal"],
        hs_codes=["2846901940"],
        actor=staff_user,
    )
    change = ReferenceChange.objects.get()
    assert (change.kind, change.source_pk) == (ChangeKind.MEASURE, str(m.pk))
    assert change.elements == ["Sm", "Tb"]
    assert change.forms == ["metal", "oxide"]
    assert (change.date_from, change.date_to) == (date(2025, 4, 4), None)


def test_measure_update_keys_the_union_of_old_and_new_scope_and_window(elements):
    m = MeasureFactory(
        forms=["oxide"], effective_from=date(2025, 4, 4), effective_to=date(2026, 1, 1)
    )
    m.elements.set([elements["Sm"]])
    services.measure_update(
        measure=m,
        elements=["Tb"],
        forms=["metal"],
        effective_from=date(2025, 6, 1),
        effective_to=date(2026, 6, 1),
    )
    change = ReferenceChange.objects.get()
    assert change.elements == ["Sm", "Tb"]
    assert change.forms == ["metal", "oxide"]
    assert (change.date_from, change.date_to) == (date(2025, 4, 4), date(2026, 6, 1))
    assert change.details["old"]["elements"] == ["Sm"]
    assert change.details["new"]["elements"] == ["Tb"]


def test_invalid_measure_update_changes_nothing(elements):
    m = MeasureFactory()
    with pytest.raises(ValidationError) as e:
        services.measure_update(measure=m, layers=["embargo"])
    assert "layers" in e.value.message_dict
    m.refresh_from_db()
    assert m.layers == ["licence"]
    assert not ReferenceChange.objects.exists()


def test_suspension_set_keys_the_suspended_measure_and_both_windows(elements, staff_user):
    no57 = MeasureFactory(forms=["oxide"], effective_from=date(2025, 11, 8))
    no57.elements.set([elements["Dy"]])
    no70 = MeasureFactory(layers=["suspension"], forms=[], effective_from=date(2025, 11, 7))
    s = services.suspension_set(
        measure=no57,
        suspended_by=no70,
        starts_on=date(2025, 11, 7),
        ends_on=date(2026, 11, 10),
        actor=staff_user,
    )
    services.suspension_set(
        measure=no57,
        suspension=s,
        starts_on=date(2025, 11, 7),
        ends_on=date(2027, 11, 10),
        suspended_by=no70,
        actor=staff_user,
    )
    first, second = ReferenceChange.objects.order_by("pk")
    assert first.kind == second.kind == ChangeKind.SUSPENSION
    assert first.elements == ["Dy"]
    assert first.forms == ["oxide"]
    assert (first.date_from, first.date_to) == (date(2025, 11, 7), date(2026, 11, 10))
    assert (second.date_from, second.date_to) == (date(2025, 11, 7), date(2027, 11, 10))
    assert second.details["old"]["ends_on"] == "2026-11-10"


def test_watch_list_entry_changes_key_all_names_and_aliases():
    wl = WatchListFactory()
    entry = services.watch_list_entry_upsert(
        watch_list=wl, name="Skydio, Inc.", name_zh="斯凯迪奥公司", aliases=["Skydio"]
    )
    services.watch_list_entry_upsert(
        watch_list=wl, entry=entry, name="Skydio Inc", aliases=["Skydio"]
    )
    services.watch_list_entry_remove(entry=entry)
    added, changed, removed = ReferenceChange.objects.order_by("pk")
    assert added.party_names == sorted(["Skydio, Inc.", "斯凯迪奥公司", "Skydio"])
    assert {"Skydio, Inc.", "Skydio Inc"} <= set(changed.party_names)
    assert "Skydio Inc" in removed.party_names
    entry.refresh_from_db()
    assert entry.status == WatchEntryStatus.REMOVED


def test_watch_list_import_records_one_change_for_added_changed_and_removed():
    wl = WatchListFactory()
    WatchListEntryFactory(watch_list=wl, name="Old Party", aliases=["OP"])
    WatchListEntryFactory(watch_list=wl, name="Kept Party")
    change = services.watch_list_import(
        watch_list=wl,
        rows=[{"name": "Kept Party"}, {"name": "New Party", "aliases": ["NP"]}],
        replace=True,
    )
    assert set(change.party_names) == {"New Party", "NP", "Old Party", "OP"}
    assert change.details["added"] == ["New Party"]
    assert change.details["removed"] == ["Old Party"]
    assert services.watch_list_import(watch_list=wl, rows=[{"name": "Kept Party"}]) is None


def test_calendar_day_set_keys_ship_dates_from_that_day():
    services.calendar_day_set(date=date(2027, 2, 8), kind=CalendarDayKind.HOLIDAY, name="Spring")
    services.calendar_day_set(date=date(2027, 2, 8), kind=None)
    first, second = ReferenceChange.objects.order_by("pk")
    assert first.kind == ChangeKind.CALENDAR
    assert first.date_from == date(2027, 2, 8)
    assert second.details["new"] is None


def test_producer_update_records_a_change_only_when_the_group_changes(staff_user):
    p = ProducerFactory()
    services.producer_update(producer=p, name_en="Renamed plant", actor=staff_user)
    assert not ReferenceChange.objects.exists()
    creg = ProducerGroupFactory()
    services.producer_update(producer=p, group=creg, actor=staff_user)
    change = ReferenceChange.objects.get()
    assert change.kind == ChangeKind.PRODUCER
    assert change.producer_ids == [p.pk]


def test_producer_group_succession_change_keys_the_groups():
    creg = ProducerGroupFactory()
    xtc = ProducerGroupFactory()
    xtc.successor, xtc.absorbed_on = creg, date(2023, 9, 1)
    services.producer_group_save(group=xtc)
    change = ReferenceChange.objects.get()
    assert set(change.group_ids) == {xtc.pk, creg.pk}


def test_services_record_the_actor_in_history(staff_user):
    p = ProducerFactory()
    services.producer_update(producer=p, name_en="New name", actor=staff_user)
    assert p.history.first().history_user == staff_user


def test_list_entry_status_values_are_validated():
    from tests.registry.factories import ApprovedListVersionFactory

    v = ApprovedListVersionFactory()
    with pytest.raises(ValidationError) as e:
        services.approved_list_entry_set(version=v, producer=ProducerFactory(), status="banned")
    assert "status" in e.value.message_dict
    assert ListEntryStatus.APPROVED == "approved"

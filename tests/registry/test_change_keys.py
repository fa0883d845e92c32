"""Change keys come from one place: the same write made through a service and through a
spreadsheet import records the same keys (registry/services/keys.py)."""

from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.db import transaction

from registry import services
from registry.choices import QuotaCategory, QuotaKind
from registry.models import Measure, ReferenceChange
from registry.resources import (
    CalendarDayResource,
    DestinationRestrictionResource,
    MeasureResource,
    ProducerGroupResource,
    ProducerResource,
    QuotaAllocationResource,
    QuotaUtilisationResource,
    SuspensionResource,
    WatchListEntryResource,
)
from registry.services.keys import ChangeKeys, MeasureScope, measure_keys
from tests.registry.factories import (
    DestinationRestrictionFactory,
    MeasureFactory,
    ProducerFactory,
    ProducerGroupFactory,
    QuotaBatchFactory,
    QuotaCycleFactory,
    WatchListFactory,
)

pytestmark = pytest.mark.django_db
KEY_FIELDS = ("producer_ids", "group_ids", "elements", "forms", "date_from", "date_to")
KEY_FIELDS += ("party_names", "destinations")


class _Undo(Exception):
    pass


def _recorded(write) -> dict:
    """The keys of the change `write` records, with the write rolled back afterwards."""
    keys = {}
    try:
        with transaction.atomic():
            before = set(ReferenceChange.objects.values_list("pk", flat=True))
            write()
            [change] = ReferenceChange.objects.exclude(pk__in=before)
            keys.update({name: getattr(change, name) for name in KEY_FIELDS})
            raise _Undo
    except _Undo:
        pass
    return keys


def _import(resource, headers, *rows, user):
    def write():
        result = resource().import_data(
            tablib.Dataset(*rows, headers=headers), dry_run=False, user=user
        )
        assert not result.has_errors(), [r.errors for r in result.rows if r.errors]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]

    return write


@pytest.fixture
def world(elements):
    creg = ProducerGroupFactory(key="creg")
    southern = ProducerGroupFactory(key="southern", successor=creg)
    ProducerGroupFactory(key="older", successor=southern)
    northern = ProducerGroupFactory(key="northern")
    measure = MeasureFactory(key="m-1", forms=["magnet"], effective_from=date(2025, 12, 1))
    measure.elements.set(["Nd", "Pr"])
    batch = QuotaBatchFactory(cycle=QuotaCycleFactory(year=2025), number=1)
    return {
        "creg": creg,
        "southern": southern,
        "northern": northern,
        "measure": measure,
        "batch": batch,
        "plant": ProducerFactory(group=southern),
        "list": WatchListFactory(key="uel"),
    }


def test_a_measure_change_records_the_same_keys_either_way(world, staff_user):
    measure = world["measure"]
    service = _recorded(
        lambda: services.measure_update(
            measure=Measure.objects.get(pk=measure.pk),
            actor=staff_user,
            elements=["Tb"],
            effective_from=date(2026, 1, 1),
        )
    )
    imported = _recorded(
        _import(
            MeasureResource,
            ["key", "elements", "effective_from"],
            ["m-1", "Tb", "2026-01-01"],
            user=staff_user,
        )
    )
    assert service == imported
    # The old and the new scope, and the union of the windows.
    assert service["elements"] == ["Nd", "Pr", "Tb"]
    assert service["date_from"] == date(2025, 12, 1)


def test_a_suspension_records_the_same_keys_either_way(world, staff_user):
    measure = world["measure"]
    window = (date(2026, 3, 1), date(2026, 6, 1))
    service = _recorded(
        lambda: services.suspension_set(
            measure=measure, starts_on=window[0], ends_on=window[1], actor=staff_user
        )
    )
    imported = _recorded(
        _import(
            SuspensionResource,
            ["id", "measure", "starts_on", "ends_on", "note"],
            ["", "m-1", "2026-03-01", "2026-06-01", ""],
            user=staff_user,
        )
    )
    assert service == imported
    assert (service["date_from"], service["date_to"]) == window


def test_a_succession_records_the_same_closure_either_way(world, staff_user):
    southern = world["southern"]

    def service_write():
        southern.successor = world["northern"]
        services.producer_group_save(group=southern, actor=staff_user)

    service = _recorded(service_write)
    southern.refresh_from_db()
    imported = _recorded(
        _import(
            ProducerGroupResource,
            ["key", "name", "successor"],
            ["southern", southern.name, "northern"],
            user=staff_user,
        )
    )
    assert service == imported
    # The group, the group absorbed into it, and both successors.
    older = southern.predecessors.get()
    assert service["group_ids"] == sorted(
        [southern.pk, older.pk, world["creg"].pk, world["northern"].pk]
    )


def test_a_producer_move_records_the_same_keys_either_way(world, staff_user):
    plant = world["plant"]
    service = _recorded(
        lambda: services.producer_update(producer=plant, actor=staff_user, group=world["northern"])
    )
    imported = _recorded(
        _import(
            ProducerResource,
            ["id", "group", "name_en", "uscc"],
            [plant.pk, "northern", plant.name_en, plant.uscc],
            user=staff_user,
        )
    )
    assert service == imported == {**service, "producer_ids": [plant.pk]}


def test_quota_allocations_and_utilisation_record_the_same_keys_either_way(world, staff_user):
    batch, creg = world["batch"], world["creg"]
    service = _recorded(
        lambda: services.quota_allocation_set(
            batch=batch,
            group=creg,
            kind=QuotaKind.SMELTING,
            category=QuotaCategory.IONIC,
            tonnes=Decimal("100"),
            actor=staff_user,
        )
    )
    imported = _recorded(
        _import(
            QuotaAllocationResource,
            ["year", "batch", "group", "kind", "category", "tonnes", "confidence", "source"],
            ["2025", "1", "creg", "smelting", "ionic", "100", "reported", ""],
            user=staff_user,
        )
    )
    assert service == imported
    assert len(service["group_ids"]) == 3  # creg and the two groups absorbed into it

    service = _recorded(
        lambda: services.quota_utilisation_report(
            cycle=batch.cycle,
            group=creg,
            kind=QuotaKind.MINING,
            category=QuotaCategory.TOTAL,
            reported_on=date(2025, 6, 30),
            tonnes_used=Decimal("5"),
            actor=staff_user,
        )
    )
    imported = _recorded(
        _import(
            QuotaUtilisationResource,
            ["year", "group", "kind", "category", "reported_on", "tonnes_used", "source"],
            ["2025", "creg", "mining", "total", "2025-06-30", "5", ""],
            user=staff_user,
        )
    )
    assert service == imported
    assert service["elements"] == []  # a total covers every element
    assert service["forms"] == ["ore"]


def test_a_watch_entry_and_a_calendar_day_record_the_same_keys_either_way(world, staff_user):
    service = _recorded(
        lambda: services.watch_list_entry_upsert(
            watch_list=world["list"],
            name="Acme Photonics SA",
            aliases=["Acme Photonics"],
            actor=staff_user,
        )
    )
    imported = _recorded(
        _import(
            WatchListEntryResource,
            ["watch_list", "name", "aliases"],
            ["uel", "Acme Photonics SA", "Acme Photonics"],
            user=staff_user,
        )
    )
    assert service == imported
    assert service["party_names"] == ["Acme Photonics", "Acme Photonics SA"]

    day = date(2026, 10, 8)
    service = _recorded(
        lambda: services.calendar_day_set(
            date=day, kind="holiday", name="Golden Week", actor=staff_user
        )
    )
    imported = _recorded(
        _import(
            CalendarDayResource,
            ["date", "kind", "name"],
            ["2026-10-08", "holiday", "Golden Week"],
            user=staff_user,
        )
    )
    assert service == imported == {**service, "date_from": day}


def test_a_destination_restriction_records_the_same_keys_either_way(staff_user):
    old = DestinationRestrictionFactory(
        country="IR", instrument="UNSCR 2231 (2015) snapback", effective_from=date(2025, 9, 28)
    )

    def service_write():
        old.effective_from, old.effective_to = date(2025, 10, 1), date(2027, 1, 1)
        services.destination_restriction_save(restriction=old, actor=staff_user)

    service = _recorded(service_write)
    old.refresh_from_db()
    imported = _recorded(
        _import(
            DestinationRestrictionResource,
            ["country", "instrument", "regime", "scope", "severity", "title", "effective_from",
             "effective_to", "confidence"],
            ["IR", "UNSCR 2231 (2015) snapback", old.regime, old.scope, old.severity, old.title,
             "2025-10-01", "2027-01-01", old.confidence],
            user=staff_user,
        )
    )  # fmt: skip
    assert service == imported
    assert service["destinations"] == ["IR"]
    # The union of the old (open) window and the new one.
    assert (service["date_from"], service["date_to"]) == (date(2025, 9, 28), None)


def test_the_union_of_keys_keeps_any_as_any():
    nd = ChangeKeys.of(elements=["Nd"], forms=["oxide"], date_from=date(2026, 1, 1))
    anything = ChangeKeys.of(forms=["metal"], date_from=date(2025, 1, 1), date_to=date(2026, 1, 1))
    joined = ChangeKeys.union([nd, anything])
    assert joined.elements == frozenset()  # one row covers every element
    assert joined.forms == {"oxide", "metal"}
    assert (joined.date_from, joined.date_to) == (date(2025, 1, 1), None)
    narrowed = measure_keys(
        MeasureScope.of(elements=["Nd"], forms=[], starts=date(2025, 1, 1), ends=None),
        MeasureScope.of(elements=["Nd"], forms=["oxide"], starts=date(2025, 1, 1), ends=None),
    )
    assert narrowed.forms == frozenset()  # it covered every form before


def test_one_list_of_watch_entry_fields_serves_service_admin_import_and_api():
    from api.serializers.registry import WatchListEntrySerializer
    from registry.admin.watchlists import ENTRY_FIELDS as ADMIN_FIELDS
    from registry.models import WATCH_ENTRY_FIELDS, WatchListEntry
    from registry.services.watchlists import ENTRY_FIELDS as SERVICE_FIELDS

    model_fields = {f.name for f in WatchListEntry._meta.concrete_fields} - {"id", "watch_list"}
    assert set(WATCH_ENTRY_FIELDS) == model_fields
    assert set(SERVICE_FIELDS) == model_fields
    assert set(ADMIN_FIELDS) | {"name"} == model_fields
    columns = {f.column_name for f in WatchListEntryResource().get_export_fields()}
    assert columns == model_fields | {"watch_list"}
    # The API adds the entry's notice's effects (read only).
    assert set(WatchListEntrySerializer().fields) == model_fields | {"id", "watch_list", "effects"}

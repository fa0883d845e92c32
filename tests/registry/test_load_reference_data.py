"""load_reference_data: the shipped facts, loaded idempotently and fast."""

import time
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from demo.registry import load_registry_demo
from registry import services
from registry.loading import REPORTED_LIST_LABEL, load_reference_data
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    CalendarDay,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaCycle,
    ReferenceChange,
    WatchList,
    WatchListEntry,
)
from registry.validators import validate_uscc
from tests.registry.factories import ProducerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    return load_reference_data()


def _counts(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in {"created", "updated", "unchanged"}}


def test_running_twice_gives_the_same_counts_and_changes_nothing(loaded):
    started = time.monotonic()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert time.monotonic() - started < 10
    again = load_reference_data()
    assert _counts(again) == _counts(loaded)
    assert again["created"] == again["updated"] == 0
    assert "Reference data loaded" in out.getvalue()
    assert not ReferenceChange.objects.exists()


def test_no_18_is_not_suspended_and_no_57_is_suspended_until_2026_11_10(loaded):
    no18 = Measure.objects.get(key="mofcom-gacc-2025-18")
    assert not no18.suspensions.exists()
    assert sorted(no18.elements.values_list("symbol", flat=True)) == sorted(
        ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"]
    )
    no57 = Measure.objects.get(key="mofcom-gacc-2025-57")
    [s] = no57.suspensions.all()
    assert (s.starts_on, s.ends_on) == (date(2025, 11, 7), date(2026, 11, 10))
    assert s.suspended_by.key == "mofcom-gacc-2025-70"
    suspended = Measure.objects.filter(suspensions__suspended_by__key="mofcom-gacc-2025-70")
    assert set(suspended.values_list("key", flat=True)) == {
        "mofcom-gacc-2025-56",
        "mofcom-gacc-2025-57",
        "mofcom-2025-61",
        "mofcom-2025-62",
    }


def test_groups_succession_into_china_rare_earth_group(loaded):
    creg = ProducerGroup.objects.get(key="china-rare-earth-group")
    assert set(creg.predecessors.values_list("key", flat=True)) == {
        "chinalco", "minmetals", "china-southern", "xiamen-tungsten", "guangdong-rare-earth",
    }  # fmt: skip
    assert ProducerGroup.objects.get(key="guangdong-rare-earth").absorbed_on == date(2023, 12, 29)
    xtc = ProducerGroup.objects.get(key="xiamen-tungsten")
    assert xtc.quota_holder(on=date(2024, 6, 1)) == creg
    assert xtc.quota_holder(on=date(2023, 1, 1)) == xtc
    subsidiary = Producer.objects.get(name_en="Fujian Golden Dragon Rare Earth")
    assert subsidiary.group == xtc
    assert subsidiary.uscc == ""


def test_quota_cycles_allocations_and_unpublished_years(loaded):
    assert set(QuotaCycle.objects.values_list("year", flat=True)) == set(range(2018, 2027))
    for year in (2025, 2026):
        cycle = QuotaCycle.objects.get(year=year)
        assert not cycle.published
        assert cycle.mining_total is None
        assert not QuotaAllocation.objects.filter(batch__cycle=cycle).exists()
    northern_2024 = QuotaAllocation.objects.get(
        batch__cycle__year=2024, batch__number=1, group__key="china-northern",
        kind="smelting", category="total",
    )  # fmt: skip
    assert northern_2024.tonnes == 88010
    assert QuotaAllocation.objects.filter(
        batch__cycle__year=2023, batch__number=2, group__key="china-rare-earth-group",
        kind="mining", category="total",
    ).exists()  # fmt: skip


def test_a_fresh_install_has_a_published_reported_list_of_the_quota_holders_plants(loaded):
    version = ApprovedListVersion.objects.get(label=REPORTED_LIST_LABEL)
    assert version.is_published
    assert version.published_at is not None
    assert version.published_by is None  # the system
    assert version.confidence == "reported"
    assert version.effective_from == date(2024, 1, 1)
    assert not version.is_demo
    assert "not an official MIIT list" in version.source_document
    assert "metalnomist.com" in version.source_document
    assert "cmgroup.net" in version.source_document
    assert "not an official MIIT list" in version.notes
    entries = {e.producer.name_en: e for e in version.entries.select_related("producer__group")}
    assert entries["Baotou Huamei Rare Earth Hi-Tech"].status == "approved"
    # China Northern's three plants, and Xiamen Tungsten's two through China Rare Earth Group.
    assert set(entries) == {
        "Baotou Huamei Rare Earth Hi-Tech", "Inner Mongolia Baotou Steel Hefa Rare Earth",
        "Gansu Rare Earth New Materials", "Fujian Golden Dragon Rare Earth", "Longyan Rare Earth",
    }  # fmt: skip
    assert {e.status for e in entries.values()} == {"approved"}
    assert {e.producer.kind for e in entries.values()} == {"separation_plant"}
    assert "China Rare Earth Group" in entries["Longyan Rare Earth"].note


def test_the_reported_list_holds_no_magnet_maker_and_the_makers_have_no_group(loaded):
    makers = Producer.objects.filter(kind="magnet_maker", is_demo=False)
    assert set(makers.values_list("name_en", flat=True)) == {
        "JL Mag Rare-Earth", "Ningbo Yunsheng", "Beijing Zhong Ke San Huan High-Tech",
    }  # fmt: skip
    for maker in makers:
        assert maker.group is None
        # The names are confirmed; the research could not confirm their listings.
        assert maker.confidence == "unconfirmed"
        assert "(unconfirmed)" in maker.notes
    assert not ApprovedListEntry.objects.filter(
        version__label=REPORTED_LIST_LABEL, producer__kind="magnet_maker"
    ).exists()


def test_a_second_load_leaves_the_reported_list_alone(loaded):
    version = ApprovedListVersion.objects.get(label=REPORTED_LIST_LABEL)
    history = version.history.count()
    again = load_reference_data()
    assert again["created"] == again["updated"] == 0
    version.refresh_from_db()
    assert version.history.count() == history
    assert ApprovedListVersion.objects.filter(label=REPORTED_LIST_LABEL).count() == 1
    assert version.entries.count() == 5
    assert not ReferenceChange.objects.exists()


def test_an_install_with_its_own_published_list_gets_no_reported_list(db, staff_user):
    own = services.approved_list_version_create(label="MIIT 2024", effective_from=date(2024, 1, 1))
    services.approved_list_entry_set(version=own, producer=ProducerFactory())
    services.approved_list_publish(version=own, actor=staff_user)
    load_reference_data()
    assert not ApprovedListVersion.objects.filter(label=REPORTED_LIST_LABEL).exists()
    assert list(ApprovedListVersion.objects.values_list("label", flat=True)) == ["MIIT 2024"]


def test_watch_lists_and_calendar(loaded):
    assert set(WatchList.objects.values_list("key", flat=True)) == {"uel", "eccl", "watch"}
    assert WatchListEntry.objects.count() == 251
    skydio = WatchListEntry.objects.get(watch_list__key="uel", name="Skydio, Inc.")
    assert skydio.status == "suspended"
    assert skydio.suspended_until == date(2026, 11, 10)
    assert any("GA-ASI" in e.aliases for e in WatchListEntry.objects.all())
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).kind == "makeup_workday"
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).kind == "holiday"


def test_registry_demo_is_idempotent_and_labelled(loaded):
    first = load_registry_demo()
    assert load_registry_demo() == first
    demo_producers = Producer.objects.filter(is_demo=True)
    assert demo_producers.count() == first["producers"] >= 6
    for p in demo_producers:
        validate_uscc(p.uscc)
    in_force = ApprovedListVersion.objects.get(label="Demo list 2026")
    assert in_force.is_published
    assert in_force.effective_from == date(2026, 1, 1)
    assert set(in_force.entries.values_list("status", flat=True)) == {
        "approved", "suspended", "removed",
    }  # fmt: skip
    assert ApprovedListVersion.objects.filter(is_demo=True, status="draft").exists()
    assert not ReferenceChange.objects.exists()

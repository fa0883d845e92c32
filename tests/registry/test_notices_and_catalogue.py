"""The shipped watch-list notices (with their effects), the derived statutory days, the
technology catalogue, and what the method reads of them and of the quota."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.selectors.affected import _date_boundaries, cases_affected_by
from assessments.selectors.reference import ReferenceData
from assessments.selectors.watch import watch_index
from registry import services
from registry.loading import load_reference_data, notice_effects
from registry.models import (
    CalendarDay,
    ProducerGroup,
    QuotaBatch,
    QuotaCycle,
    ReferenceChange,
    TechnologyItem,
    WatchListEntry,
    WatchNotice,
)
from tests.assessments.factories import case_create
from tests.registry.factories import DestinationRestrictionFactory

pytestmark = pytest.mark.django_db

WATCH_LIST_EFFECTS = ["no_general_licence", "risk_assessment", "no_review_deadline"]


@pytest.fixture
def loaded(db):
    return load_reference_data()


def test_notices_load_with_the_effects_their_measures_and_list_name(loaded):
    uel = WatchNotice.objects.get(key="uel-2025-04-04")
    assert uel.watch_list.key == "uel"
    assert (uel.status, uel.suspended_until) == ("suspended", date(2026, 11, 10))
    assert uel.effects == ["trade_ban", "investment_ban"]
    assert WatchNotice.objects.get(key="uel-2023-02-16").effects == [
        "trade_ban",
        "investment_ban",
        "entry_ban",
    ]
    # A bare listing (Illumina's first notice) names no measure the method knows.
    assert WatchNotice.objects.get(key="uel-2025-02-04").effects == []
    eccl = WatchNotice.objects.get(key="eccl-2026-02-24")
    assert (eccl.effects, eccl.number) == (["dual_use_ban"], "商务部公告2026年第11号")
    watch = WatchNotice.objects.get(key="wl-2026-02-24")
    assert (watch.status, watch.suspended_until) == ("active", None)
    assert watch.effects == WATCH_LIST_EFFECTS
    # The second Watch List notice restates the regime without the deadline's wording.
    assert WatchNotice.objects.get(key="wl-2026-06-29").effects == WATCH_LIST_EFFECTS
    assert WatchNotice.objects.count() == 24
    assert not WatchListEntry.objects.filter(notice__isnull=True).exists()


def test_the_mapping_reads_uel_measures_and_fixes_eccl_and_watch_list_effects():
    assert notice_effects("uel", ["Ban on China-related import and export"]) == ["trade_ban"]
    assert notice_effects("uel", ["a fine"]) == []
    assert notice_effects("eccl", []) == ["dual_use_ban"]
    assert notice_effects("watch", []) == WATCH_LIST_EFFECTS


def test_screening_reads_the_notice_its_effects_and_identifiers(loaded):
    entry = WatchListEntry.objects.filter(notice__key="uel-2025-04-04").first()
    entry.identifiers = {"USCC": "91110000100000000X", "lei": ["529900T8BM49AURSDO55"]}
    entry.save()
    facts = next(e for e in watch_index(refresh=True).entries if e.id == entry.pk)
    assert facts.notice_key == "uel-2025-04-04"
    assert facts.effects == ("trade_ban", "investment_ban")
    assert (facts.status, facts.suspended_until) == ("suspended", date(2026, 11, 10))
    assert facts.identifiers == (("lei", "529900T8BM49AURSDO55"), ("uscc", "91110000100000000X"))


def test_an_active_entry_follows_its_notice_and_a_removed_one_stays_removed(loaded):
    notice = WatchNotice.objects.get(key="wl-2026-02-24")
    active, removed = list(notice.entries.all()[:2])
    removed.status = "removed"
    removed.save()
    notice.status, notice.suspended_until = "suspended", date(2027, 3, 1)
    change = services.watch_notice_save(notice=notice)
    by_id = {e.id: e for e in watch_index(refresh=True).entries}
    assert (by_id[active.pk].status, by_id[active.pk].suspended_until) == (
        "suspended",
        date(2027, 3, 1),
    )
    assert removed.pk not in by_id
    # The change is keyed by every name the notice listed, so it reaches their cases.
    assert change.kind == "watch_list"
    assert active.name in change.party_names
    assert set(change.party_names) >= {n for e in notice.entries.all() for n in e.all_names()}
    assert date(2027, 3, 1) in _date_boundaries()


def test_the_2027_statutory_days_load_and_reach_the_calendar_of_a_year_with_no_notice(loaded):
    days = CalendarDay.objects.filter(kind="statutory").values_list("date", flat=True)
    assert len(days) == 13
    assert {date(2027, 1, 1), date(2027, 2, 6), date(2027, 10, 3)} <= set(days)
    ref = ReferenceData.load()
    cal = ref.calendar(date(2026, 12, 10), date(2027, 2, 20))
    assert 2027 not in cal.known_years
    assert cal.statutory_days == (
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
    )
    assert date(2027, 1, 1) not in cal.holidays
    # Once 2027's notice is loaded, its own days replace the derived ones.
    from registry.models import HolidayNotice

    HolidayNotice.objects.create(year=2027, title="2027 notice")
    assert ReferenceData.load().calendar(date(2027, 1, 1), date(2027, 2, 1)).statutory_days == ()


def test_the_technology_catalogue_loads_prohibited_restricted_and_dual_use_items(loaded):
    items = TechnologyItem.objects.select_related("measure")
    by_class = {k: items.filter(klass=k).count() for k in ("prohibited", "restricted", "dual_use")}
    assert by_class == {"prohibited": 4, "restricted": 1, "dual_use": 2}
    a = items.get(control_code="1E902.a")
    assert a.measure.key == "mofcom-2025-62"
    assert a.title.startswith("technologies and carriers for rare earth mining")
    assert items.get(control_code="1E902.b").title.startswith("assembly, commissioning")
    restricted = items.get(klass="restricted")
    assert restricted.measure.key == "tech-catalogue-2023"
    assert restricted.title == "rare earth mining, beneficiation and smelting technology"


def test_a_technology_item_change_reaches_the_technology_cases(loaded, officer):
    know_how = case_create(officer, elements=("Nd",), form="technology")
    magnet = case_create(officer, elements=("Nd",), form="magnet")
    item = TechnologyItem.objects.get(control_code="1E902.b")
    item.title = "assembly and repair of such lines"
    change = services.technology_item_save(item=item)
    assert (change.kind, change.forms) == ("technology", ["technology"])
    assert services.technology_item_save(item=item) is None  # nothing changed
    affected = set(cases_affected_by(change).values_list("pk", flat=True))
    assert know_how.pk in affected
    assert magnet.pk not in affected


def test_destination_windows_are_sweep_boundaries(db):
    r = DestinationRestrictionFactory(effective_to=date(2027, 5, 1))
    boundaries = _date_boundaries()
    assert r.effective_from in boundaries
    assert r.effective_to in boundaries


def _northern_quota(year: int):
    ref = ReferenceData.load()
    return ref.quota(ProducerGroup.objects.get(key="china-northern"), year)


def test_an_unpublished_cycles_reported_zero_is_read_with_its_confidence(loaded):
    cycle = QuotaCycle.objects.get(year=2026)
    assert not cycle.published
    batch = services.quota_batch_issue(cycle=cycle, number=1)
    services.quota_allocation_set(
        batch=batch,
        group=ProducerGroup.objects.get(key="china-northern"),
        kind="smelting",
        category="light",
        tonnes=Decimal("0"),
        confidence="reported",
    )
    quota, ids = _northern_quota(2026)
    assert not quota.published
    [row] = quota.allocations
    assert (row.kind, row.category, row.tonnes, row.confidence) == (
        "smelting",
        "light",
        0.0,
        "reported",
    )
    assert cycle.pk in ids


def test_the_fallback_is_the_latest_full_published_year(loaded):
    # 2024 batch 2 has no group split, so China Northern's full year is 2023 (three batches).
    assert QuotaBatch.objects.filter(cycle__year=2024).count() == 2
    quota, ids = _northern_quota(2025)
    fallback = quota.fallback
    assert (fallback.year, fallback.label) == (2023, "2023 (full year, batches 1-3)")
    assert fallback.cycle_id in ids
    assert all(a.utilised_tonnes is None for a in fallback.allocations)
    # Batches 1, 2 and 3 are summed: 2023 batch 1 alone is 2023's first-half figure.
    rows = QuotaBatch.objects.get(cycle__year=2023, number=1).allocations.filter(
        group__key="china-northern", kind="smelting"
    )
    first = sum(a.tonnes for a in rows if a.tonnes is not None)
    smelting = [a for a in fallback.allocations if a.kind == "smelting"]
    assert sum(a.tonnes for a in smelting) > float(first)


def test_with_no_full_year_the_fallback_is_the_latest_published_year_with_rows(loaded):
    QuotaBatch.objects.filter(cycle__year__lt=2024).delete()
    quota, _ = _northern_quota(2025)
    assert (quota.fallback.year, quota.fallback.label) == (2024, "2024 batch 1")
    assert not ReferenceChange.objects.exists()  # reads record nothing


def test_known_spellings_are_loaded_as_aliases_and_match_exactly(loaded):
    from method import MethodSettings, PartyFacts
    from method.screening import screen_party

    lockheed = WatchListEntry.objects.filter(name="Lockheed Martin Corporation")
    assert lockheed.exists()
    for entry in lockheed:
        assert {"洛歇馬丁", "洛马", "Lockheed Martin Corp"} <= set(entry.aliases)
    index = watch_index(refresh=True)
    settings = MethodSettings()
    party = PartyFacts("end_user", "洛歇馬丁", "US")  # Hong Kong/Taiwan rendering
    matches = screen_party(party, index.candidates([party.name], settings), settings)
    best = matches[0]
    assert (best.route, best.strength) == ("known_alias", "strong")
    # A two-character colloquial form is a known alias too, but never strong on its own.
    bare = PartyFacts("end_user", "洛马")
    short = screen_party(bare, index.candidates([bare.name], settings), settings)
    assert short
    assert all(m.strength != "strong" for m in short)


def test_an_identifier_reaches_the_candidates_whatever_the_name(loaded):
    from method import MethodSettings

    entry = WatchListEntry.objects.filter(watch_list__key="uel").first()
    entry.identifiers = {"lei": "5493001KJTIIGC8Y1R12"}
    entry.save()
    index = watch_index(refresh=True)
    settings = MethodSettings()
    assert entry.pk not in {e.id for e in index.candidates(["Holding X"], settings)}
    found = index.candidates(["Holding X"], settings, [("lei", "5493001KJTIIGC8Y1R12")])
    assert entry.pk in {e.id for e in found}

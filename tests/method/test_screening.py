"""Party screening against watch-list entries (alias tests from watch_lists.yaml)."""

from __future__ import annotations

import dataclasses

import pytest

from method import MethodSettings, PartyFacts, match_party, normalise_party, prefilter
from method.screening import screen_party
from tests.method.reference_facts import (
    AEROVIRONMENT,
    ALLIANT,
    GIBBS,
    JMU,
    LOCKHEED,
    RTX_LIKE,
    TELEDYNE,
    WATCH_ENTRIES,
)

SETTINGS = MethodSettings()


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Gibbs&Cox, Inc.", "gibbs and cox"),
        ("Teledyne Brown Engineering,Inc.", "teledyne brown engineering"),
        ("Lockheed Martin Corp", "lockheed martin"),
        ("ＬＯＣＫＨＥＥＤ　ＭＡＲＴＩＮ　ＣＯＲＰ．", "lockheed martin"),
        ("Acme Magnet Co., Ltd.", "acme magnet"),
        ("Siemens Gamesa S.A.", "siemens gamesa"),
        ("Vacuumschmelze GmbH & Co. KG", "vacuumschmelze"),
        ("洛克希德·马丁公司", "洛克希德马丁"),
        ("中国北方稀土(集团)高科技股份有限公司", "中国北方稀土集团高科技"),
        ("日本海洋联合株式会社", "日本海洋联合"),
        ("Limited", "limited"),
    ],
)
def test_normalise_party_folds_case_width_punctuation_and_legal_forms(
    raw: str, normalised: str
) -> None:
    assert normalise_party(raw) == normalised


@pytest.mark.parametrize(
    ("variant", "entry", "route"),
    [
        ("Gibbs&Cox, Inc.", GIBBS, "exact_name"),
        ("Teledyne Brown Engineering,Inc.", TELEDYNE, "exact_name"),
        ("Lockheed Martin Corp", LOCKHEED, "exact_name"),
        ("洛克希德马丁", LOCKHEED, "known_alias"),
    ],
)
def test_an_exact_name_or_known_alias_is_strong_on_its_own(variant: str, entry, route) -> None:
    matches = match_party(variant, WATCH_ENTRIES, SETTINGS)
    assert matches, variant
    assert matches[0].entry_id == entry.id
    assert matches[0].strength == "strong"
    assert matches[0].route == route


@pytest.mark.parametrize(
    ("variant", "entry", "country"),
    [("Aero Vironment", AEROVIRONMENT, "US"), ("JMU", JMU, "JP")],
)
def test_a_name_score_or_a_short_alias_needs_the_country_to_be_strong(
    variant: str, entry, country: str
) -> None:
    alone = match_party(variant, WATCH_ENTRIES, SETTINGS)
    assert [(m.entry_id, m.strength) for m in alone] == [(entry.id, "potential")]
    party = PartyFacts("buyer", variant, country)
    corroborated = screen_party(party, WATCH_ENTRIES, SETTINGS)
    assert corroborated[0].strength == "strong"
    assert corroborated[0].corroboration == f"country {country} agrees"
    elsewhere = screen_party(PartyFacts("buyer", variant, "FR"), WATCH_ENTRIES, SETTINGS)
    assert elsewhere[0].strength == "weak"


def test_an_identifier_match_is_strong_whatever_the_name() -> None:
    listed = dataclasses.replace(LOCKHEED, identifiers=(("lei", "5493001BQLOCKHEED000"),))
    party = PartyFacts("buyer", "LM Holdings", "US", lei="5493001bqlockheed000")
    matches = screen_party(party, (listed,), SETTINGS)
    assert [(m.route, m.strength) for m in matches] == [("identifier", "strong")]
    other = PartyFacts("buyer", "Lockheed Martin Corp", "US", lei="OTHER000000000000000")
    assert screen_party(other, (listed,), SETTINGS)[0].strength == "weak"


def test_a_short_alias_never_matches_fuzzily() -> None:
    assert match_party("JMUX", (JMU,), SETTINGS) == ()


def test_false_friend_of_united_technologies_is_not_strong() -> None:
    name = "United Technologies Systems Operating Company"
    matches = match_party(name, (RTX_LIKE, ALLIANT), SETTINGS)
    assert all(match.strength != "strong" for match in matches)


def test_unrelated_names_do_not_match() -> None:
    assert match_party("Acme Motors GmbH", WATCH_ENTRIES, SETTINGS) == ()
    assert match_party("", WATCH_ENTRIES, SETTINGS) == ()


def test_a_near_miss_is_weak() -> None:
    matches = match_party("Edge Autonomous Operations", (_edge(),), SETTINGS)
    assert [m.strength for m in matches] == ["potential"]  # 92, the name alone
    weak = match_party("Rim of the Pacific Defense", (_pacific_rim(),), SETTINGS)
    assert [m.strength for m in weak] == ["weak"]


def test_thresholds_come_from_settings() -> None:
    strict = MethodSettings(strong_match=100, weak_match=99)
    assert match_party("Aero Vironment", (AEROVIRONMENT,), strict) == ()


def test_prefilter_keeps_only_candidates_of_any_party() -> None:
    kept = prefilter(["Lockheed Martin Corp", "Gibbs and Cox"], WATCH_ENTRIES, SETTINGS)
    assert {entry.id for entry in kept} == {LOCKHEED.id, GIBBS.id}
    assert prefilter(["", "  "], WATCH_ENTRIES, SETTINGS) == ()


def _edge():
    from method import WatchEntryFacts

    return WatchEntryFacts(10, "uel", "Unreliable Entity List", "Edge Autonomy Operations LLC")


def _pacific_rim():
    from method import WatchEntryFacts

    return WatchEntryFacts(11, "uel", "Unreliable Entity List", "Pacific Rim Defense")

"""Party screening against watch-list entries (alias tests from watch_lists.yaml)."""

from __future__ import annotations

import pytest

from method import MethodSettings, match_party, normalise_party, prefilter
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
    ("variant", "entry"),
    [
        ("Gibbs&Cox, Inc.", GIBBS),
        ("Teledyne Brown Engineering,Inc.", TELEDYNE),
        ("Lockheed Martin Corp", LOCKHEED),
        ("洛克希德马丁", LOCKHEED),
        ("Aero Vironment", AEROVIRONMENT),
        ("JMU", JMU),
    ],
)
def test_alias_variants_are_strong_matches(variant: str, entry) -> None:
    matches = match_party(variant, WATCH_ENTRIES, SETTINGS)
    assert matches, variant
    assert matches[0].entry_id == entry.id
    assert matches[0].strength == "strong"
    assert matches[0].score >= SETTINGS.strong_match


def test_false_friend_of_united_technologies_is_not_strong() -> None:
    name = "United Technologies Systems Operating Company"
    matches = match_party(name, (RTX_LIKE, ALLIANT), SETTINGS)
    assert all(match.strength != "strong" for match in matches)


def test_unrelated_names_do_not_match() -> None:
    assert match_party("Acme Motors GmbH", WATCH_ENTRIES, SETTINGS) == ()
    assert match_party("", WATCH_ENTRIES, SETTINGS) == ()


def test_a_near_miss_is_weak() -> None:
    matches = match_party("Edge Autonomous Operations", (_edge(),), SETTINGS)
    assert [m.strength for m in matches] == ["strong"]  # 92: same entity
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

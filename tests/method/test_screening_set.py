"""The labelled screening set: precision and recall of `screen_party` on the shipped lists.

Positives are the spelling and translation variants of `alias_tests` in the project's own
copy of watch_lists.yaml (registry/data), each labelled with the entry it names; negatives
are names of other firms that resemble listed ones (our own). Entries are built as the
registry loads them, without the variants (so the variants test matching, not lookup). A
prediction is positive when the labelled entry comes back strong or potential (what can
raise a case to high); a weak match is a "review" and counts as negative.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from method import MethodSettings, PartyFacts, WatchEntryFacts
from method.screening import screen_party

DATA = Path(__file__).resolve().parents[2] / "registry" / "data" / "watch_lists.yaml"
SETTINGS = MethodSettings()

# (party name, party country, expected entry name or None)
NEGATIVES = (
    ("Acme Motors GmbH", "DE", None),
    ("Lockhead Martin GmbH", "DE", None),  # one letter from a listed US firm, German
    ("Boeing Commercial Airplanes", "US", None),
    ("General Motors Company", "US", None),
    ("Pacific Rim Mining Corp", "CA", None),
    ("Japan Airlines Co., Ltd.", "JP", None),
    ("Skyworks Solutions, Inc.", "US", None),
    ("United Technologies Corporation", "US", None),  # not the back-translated Alliant name
    ("Edge Technologies Group", "GB", None),
    ("洛阳栾川钼业集团股份有限公司", "CN", None),
    ("Systems Group", "", None),  # generic words only
    ("Javelin Sports GmbH", "DE", None),
    ("Aerospace Environment Controls Ltd", "GB", None),
)


def _entries() -> tuple[WatchEntryFacts, ...]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    entries = []
    for number, row in enumerate(data["entries"], start=1):
        aliases = tuple(n for n in (row.get("name_zh"), *(row.get("aliases") or ())) if n)
        entries.append(
            WatchEntryFacts(
                id=number,
                list_key=row["list"],
                list_name=row["list"],
                name=row["name"],
                aliases=aliases,
                country=row.get("country") or "",
                status=row.get("status", "active"),
                version_date=dt.date(2026, 11, 28),
            )
        )
    return tuple(entries)


def labelled_set() -> list[tuple[str, str, str | None]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    countries = {row["name"]: row.get("country") or "" for row in data["entries"]}
    positives = []
    for test in data["alias_tests"]:
        for variant in test["variants"]:
            positives.append((variant, "", test["canonical"]))  # the name alone
            positives.append((variant, countries.get(test["canonical"], ""), test["canonical"]))
    return [*positives, *NEGATIVES]


def predicted(name: str, country: str, entries: tuple[WatchEntryFacts, ...]) -> set[str]:
    by_id = {entry.id: entry.name for entry in entries}
    party = PartyFacts("buyer", name, country)
    return {
        by_id[m.entry_id]
        for m in screen_party(party, entries, SETTINGS)
        if m.strength in ("strong", "potential")
    }


def scores() -> tuple[int, int, int, list[str]]:
    entries = _entries()
    tp = fp = fn = 0
    misses = []
    for name, country, expected in labelled_set():
        found = predicted(name, country, entries)
        if expected is not None and expected in found:
            tp += 1
        elif expected is not None:
            fn += 1
            misses.append(f"{name} [{country}] -> {expected}")
        fp += len(found - {expected})
    return tp, fp, fn, misses


def test_the_set_has_positives_and_negatives() -> None:
    labels = labelled_set()
    assert sum(1 for *_, expected in labels if expected) >= 50
    assert sum(1 for *_, expected in labels if expected is None) >= 10


def test_precision_is_perfect_and_recall_as_listed_at_least_sixty_percent() -> None:
    tp, fp, fn, misses = scores()
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    figures = f"tp={tp} fp={fp} fn={fn} precision={precision:.3f} recall={recall:.3f}"
    assert fp == 0, figures
    # As listed; the registry's known aliases close the rest. Missed: see `misses`.
    assert recall >= 0.6, (figures, misses)


@pytest.mark.parametrize(("name", "country", "expected"), NEGATIVES)
def test_no_negative_is_a_strong_or_potential_match(name, country, expected) -> None:
    assert predicted(name, country, _entries()) == set()

"""Party screening: fuzzy matching of end users and consignees against watch-list entries.

Names are normalised first (Unicode NFKC folds full-width forms, case, punctuation,
legal-form suffixes in English, German, French, Chinese and Japanese), then compared with
rapidfuzz's `token_sort_ratio`. Token-sort tolerates word order and spacing but, unlike
`token_set_ratio` or `WRatio`'s partial matching, does not score a short name contained in
a longer one as a perfect hit: "United Technologies Systems Operating Company" must not be a
strong match for an RTX-like "United Technologies Corporation".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from method.editions.e2026_12.inputs import MethodSettings, WatchEntryFacts

# Longest first, so "股份有限公司" is removed whole rather than leaving "股份".
_CJK_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "公司",
)
_CJK_PREFIXES = ("株式会社", "有限会社")
# Matched as whole trailing words after punctuation became spaces ("s.a." -> "s a").
_LATIN_SUFFIXES = (
    ("gmbh", "and", "co", "kg"),  # "GmbH & Co. KG", before "kg" alone would split it
    ("limited", "partnership"),
    ("kg",),
    ("s", "a"),
    ("s", "p", "a"),
    ("b", "v"),
    ("n", "v"),
    ("co",),
    ("company",),
    ("ltd",),
    ("limited",),
    ("inc",),
    ("incorporated",),
    ("corp",),
    ("corporation",),
    ("llc",),
    ("lp",),
    ("llp",),
    ("gmbh",),
    ("ag",),
    ("sa",),
    ("spa",),
    ("bv",),
    ("nv",),
    ("plc",),
    ("kk",),
    ("pte",),
    ("pty",),
)
_PUNCTUATION = re.compile(r"[^\w]+|_")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A middle dot or space between CJK characters (洛克希德·马丁) carries no meaning.
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")


@dataclass(frozen=True, slots=True)
class Match:
    entry_id: int
    matched_name: str  # the entry name or alias that scored best
    score: float  # 0-100, one decimal
    strength: str  # strong | weak


def _strip_cjk(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
        for prefix in _CJK_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


def _strip_latin(tokens: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for suffix in _LATIN_SUFFIXES:
            size = len(suffix)
            # Keep at least one token: "Limited" alone stays a name.
            if len(tokens) > size and tuple(tokens[-size:]) == suffix:
                tokens, changed = tokens[:-size], True
    return tokens


@lru_cache(maxsize=65536)
def normalise_party(name: str) -> str:  # the same parties recur across a case book
    """Fold a party name to the form compared by `match_party`."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("&", " and ")
    text = _CJK_GAP.sub("", _PUNCTUATION.sub(" ", text))
    tokens = _strip_latin(text.split())
    # CJK names carry no spaces; the legal form sits at either end of the whole string.
    tokens = [_strip_cjk(token) for token in tokens]
    return " ".join(token for token in tokens if token)


def _score(query: str, candidate: str) -> float:
    if not query or not candidate:
        return 0.0
    return float(fuzz.token_sort_ratio(query, candidate))


def _best(query: str, entry: WatchEntryFacts) -> tuple[float, str]:
    best_score, best_name = 0.0, entry.name
    for candidate in (entry.name, *entry.aliases):
        score = _score(query, normalise_party(candidate))
        if score > best_score:
            best_score, best_name = score, candidate
    return best_score, best_name


def match_party(
    name: str, entries: Iterable[WatchEntryFacts], settings: MethodSettings
) -> tuple[Match, ...]:
    """Entries whose name or an alias scores at least `weak_match`, best first."""
    query = normalise_party(name)
    matches: list[Match] = []
    for entry in entries:
        score, matched = _best(query, entry)
        if score < settings.weak_match:
            continue
        strength = "strong" if score >= settings.strong_match else "weak"
        matches.append(Match(entry.id, matched, round(score, 1), strength))
    # Ties broken by entry id so the order never depends on the caller's ordering.
    return tuple(sorted(matches, key=lambda match: (-match.score, match.entry_id)))


def prefilter(
    names: Iterable[str], entries: Iterable[WatchEntryFacts], settings: MethodSettings
) -> tuple[WatchEntryFacts, ...]:
    """The entries of a full watch list worth storing as a case's screening inputs."""
    queries = [normalise_party(name) for name in names if name.strip()]
    kept = [
        entry
        for entry in entries
        if any(_best(query, entry)[0] >= settings.weak_match for query in queries)
    ]
    return tuple(sorted(kept, key=lambda entry: entry.id))

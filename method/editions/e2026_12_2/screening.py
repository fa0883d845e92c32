"""Party screening: matching every party of a case against the party-list entries.

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

from method.editions.e2026_12_2.inputs import MethodSettings, PartyFacts, WatchEntryFacts

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
    # strong: corroborated (identifier, an exact name or known alias, a name score with the
    # country agreeing); potential: a name score alone ("review", at most high); weak:
    # below the strong score, or contradicted by the country or an identifier ("review").
    strength: str
    route: str = "name_score"  # MATCH_ROUTES: identifier | exact_name | known_alias | name_score
    corroboration: str = ""  # "country US agrees", "LEI 5493... agrees", "country DE differs"

    @property
    def described(self) -> str:
        """How it matched, for the reason and the evidence."""
        route = {
            "identifier": "by registered identifier",
            "exact_name": "by exact name",
            "known_alias": f"by known alias '{self.matched_name}'",
            "name_score": f"by name similarity {self.score:g}/100",
        }[self.route]
        return f"{route}; {self.corroboration}" if self.corroboration else route


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


# Words that name a kind of business, not a business: an alias made only of these (or a
# short acronym) never matches strongly on its own.
_GENERIC = frozenset(
    (
        "group",
        "holdings",
        "holding",
        "international",
        "industries",
        "industry",
        "technology",
        "technologies",
        "systems",
        "system",
        "solutions",
        "services",
        "trading",
        "engineering",
        "defense",
        "defence",
        "aerospace",
        "electronics",
        "global",
        "research",
        "laboratory",
        "lab",
        "labs",
        "集团",
        "科技",
        "技术",
        "国际",
        "工业",
    )
)
_SHORT_LATIN = 4  # "JMU"; "GA-ASI" ("ga asi") is short by its tokens
_SHORT_CJK = 2  # 洛马


def _is_cjk(normalised: str) -> bool:
    compact = normalised.replace(" ", "")
    return bool(compact) and all(
        "\u3400" <= char <= "\u9fff" or "\u3040" <= char <= "\u30ff" for char in compact
    )


def is_short(normalised: str) -> bool:
    """A short or generic name: matched only exactly, and never strong on its own."""
    if not normalised:
        return True
    compact = normalised.replace(" ", "")
    cjk = sum(1 for char in compact if "\u3400" <= char <= "\u9fff" or "\u3040" <= char <= "\u30ff")
    if cjk and cjk == len(compact):
        return cjk <= _SHORT_CJK
    tokens = normalised.split()
    if len(compact) <= _SHORT_LATIN or all(len(token) <= 3 for token in tokens):
        return True  # an acronym: "JMU", "GA-ASI"
    return all(token in _GENERIC for token in tokens)


def _score(query: str, candidate: str) -> float:
    if not query or not candidate:
        return 0.0
    if query == candidate:
        return 100.0
    if is_short(candidate) or is_short(query):
        return 0.0  # short names match exactly or not at all
    return float(fuzz.token_sort_ratio(query, candidate))


def _best(query: str, entry: WatchEntryFacts) -> tuple[float, str]:
    best_score, best_name = 0.0, entry.name
    for candidate in (entry.name, *entry.aliases):
        score = _score(query, normalise_party(candidate))
        if score > best_score:
            best_score, best_name = score, candidate
    return best_score, best_name


def _identifiers(party: PartyFacts) -> dict[str, str]:
    found = {"uscc": party.uscc, "lei": party.lei, "registry": party.registry_number}
    return {kind: value.strip().upper() for kind, value in found.items() if value.strip()}


def party_identifiers(party: PartyFacts) -> tuple[tuple[str, str], ...]:
    """A party's identifiers as (kind, VALUE) pairs, the form entries are matched on."""
    return tuple(sorted(_identifiers(party).items()))


def _identifier_check(party: PartyFacts, entry: WatchEntryFacts) -> tuple[str, str]:
    """('agrees' | 'differs' | '', the identifier's description)."""
    own = _identifiers(party)
    for kind, value in entry.identifiers:
        kind = kind.lower()
        if kind in own:
            label = f"{kind.upper()} {own[kind]}"
            return ("agrees", label) if own[kind] == value.strip().upper() else ("differs", label)
    return "", ""


def screen_party(
    party: PartyFacts, entries: Iterable[WatchEntryFacts], settings: MethodSettings
) -> tuple[Match, ...]:
    """Entries the party matches, best first, each with its route and corroboration.

    An identifier that agrees is a strong match whatever the name; one that differs, or a
    country that differs, lowers a name match to weak ("review"). An exact name or known
    alias is strong unless contradicted; a name score at or above `strong_match` is strong
    only with the country agreeing, else potential; below it, weak. Short or generic names
    match only exactly and need the country to be strong (DOMAIN, second edition).
    """
    query = normalise_party(party.name)
    matches: list[Match] = []
    for entry in entries:
        id_state, id_label = _identifier_check(party, entry)
        if id_state == "agrees":
            matches.append(
                Match(entry.id, entry.name, 100.0, "strong", "identifier", f"{id_label} agrees")
            )
            continue
        score, matched = _best(query, entry)
        if score < settings.weak_match:
            continue
        country = ""
        if party.country and entry.country:
            country = "agrees" if party.country == entry.country else "differs"
        notes = []
        if id_state == "differs":
            notes.append(f"{id_label} differs from the entry's")
        if country:
            notes.append(
                f"country {party.country} {country}"
                + ("" if country == "agrees" else f" from {entry.country}")
            )
        contradicted = id_state == "differs" or country == "differs"
        exact = score >= 100.0
        route = "name_score"
        if exact:
            route = "exact_name" if matched == entry.name else "known_alias"
        short = is_short(normalise_party(matched))
        if contradicted:
            strength = "weak"
        elif exact and not short:
            strength = "strong"
        elif score >= settings.strong_match:
            strength = "strong" if country == "agrees" else "potential"
        elif _is_cjk(query):
            # Characters, not words: a listed parent's name inside a subsidiary's scores
            # high (洛克希德马丁航空 ~ 洛克希德马丁), so a CJK name needs the strong score.
            strength = "weak"
        else:
            strength = "potential" if country == "agrees" else "weak"
        matches.append(Match(entry.id, matched, round(score, 1), strength, route, "; ".join(notes)))
    order = {"strong": 0, "potential": 1, "weak": 2}
    return tuple(sorted(matches, key=lambda m: (order[m.strength], -m.score, m.entry_id)))


def match_party(
    name: str, entries: Iterable[WatchEntryFacts], settings: MethodSettings
) -> tuple[Match, ...]:
    """`screen_party` for a bare name (no country, no identifiers): the ad hoc screen."""
    return screen_party(PartyFacts(role="buyer", name=name), entries, settings)


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

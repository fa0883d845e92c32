"""Watch-list entries for screening, cached per process (keyed by a one-query
fingerprint of the watch-list tables)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from method.inputs import (
    MethodSettings,
    WatchEntryFacts,
)
from method.screening import normalise_party
from registry.choices import WatchEntryStatus
from registry.models import (
    WatchList,
    WatchListEntry,
    WatchNotice,
)

# --------------------------------------------------------------------------- watch lists


class WatchIndex:
    """All non-removed watch-list entries, with their names normalised once.

    `candidates(names)` returns exactly what `screening.prefilter(names, entries, settings)`
    would (a test asserts it), but scores each query against every normalised name in one
    rapidfuzz call instead of re-normalising every entry per case.
    """

    def __init__(self, entries: Sequence[WatchEntryFacts], lists: dict[int, dt.date]):
        self.entries = tuple(sorted(entries, key=lambda e: e.id))
        self.lists = lists  # watch list id -> version_date, recorded in `versions`
        self._owner: list[int] = []  # position in `self.entries` of each normalised name
        self._names: list[str] = []
        for position, entry in enumerate(self.entries):
            for name in (entry.name, *entry.aliases):
                self._owner.append(position)
                self._names.append(normalise_party(name))
        self._memo: dict[tuple[str, float], frozenset[int]] = {}
        self._by_id = {entry.id: entry for entry in self.entries}
        # (kind, VALUE) -> positions: an identifier that agrees is a match whatever the name.
        self._identified: dict[tuple[str, str], set[int]] = {}
        for position, entry in enumerate(self.entries):
            for kind, value in entry.identifiers:
                self._identified.setdefault((kind.lower(), value.strip().upper()), set()).add(
                    position
                )

    def _positions(self, name: str, weak: float) -> frozenset[int]:
        key = (name, weak)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        query = normalise_party(name)
        if weak <= 0:
            found = frozenset(range(len(self.entries)))
        elif not query:
            found = frozenset()
        else:
            scored = process.extract(
                query, self._names, scorer=fuzz.token_sort_ratio, score_cutoff=weak, limit=None
            )
            found = frozenset(self._owner[index] for _, _, index in scored)
        if len(self._memo) > 50_000:  # bound the memory a long-lived worker can hold
            self._memo.clear()
        self._memo[key] = found
        return found

    def entry(self, entry_id: int | None) -> WatchEntryFacts | None:
        """The entry with this id (None when removed or unknown)."""
        return self._by_id.get(entry_id) if entry_id is not None else None

    def candidates(
        self,
        names: Iterable[str],
        method: MethodSettings,
        identifiers: Iterable[tuple[str, str]] = (),
    ) -> tuple[WatchEntryFacts, ...]:
        """The entries a case's parties may match: by name (as `screening.prefilter`), and
        by a registered identifier, (kind, value) as `screening.party_identifiers` gives."""
        positions: set[int] = set()
        for name in names:
            if name.strip():
                positions |= self._positions(name, method.weak_match)
        for kind, value in identifiers:
            positions |= self._identified.get((kind, value), set())
        return tuple(self.entries[p] for p in sorted(positions))


_watch_cache: dict[str, Any] = {"key": None, "index": None}
_watch_lock = threading.Lock()


def _watch_fingerprint() -> tuple:
    """Changes whenever an entry, notice or list is added, edited or deleted (history rows)."""
    key: list = []
    for model in (WatchListEntry, WatchNotice, WatchList):
        key.extend(
            model.history.model.objects.aggregate(
                n=Count("history_id"), last=Max("history_id")
            ).values()
        )
    key.extend(WatchListEntry.objects.aggregate(n=Count("id"), last=Max("id")).values())
    return tuple(key)


# Keys of an entry's identifiers JSON that hold names, not registered identifiers (the
# loader keeps a party's branches there; they are screened as aliases).
_NAME_KEYS = frozenset({"branches"})


def entry_identifiers(identifiers: dict | None) -> tuple[tuple[str, str], ...]:
    """An entry's registered identifiers as sorted (kind, value) pairs, kinds lower case;
    a kind with several values (a list) gives one pair each."""
    pairs = set()
    for kind, value in (identifiers or {}).items():
        kind = str(kind).strip().lower()
        if kind in _NAME_KEYS:
            continue
        for v in value if isinstance(value, list | tuple) else [value]:
            if v not in (None, "") and str(v).strip():
                pairs.add((kind, str(v).strip()))
    return tuple(sorted(pairs))


def watch_index(*, refresh: bool = False) -> WatchIndex:
    """The process-wide watch-list index, reloaded when the watch-list tables changed."""
    key = _watch_fingerprint()
    with _watch_lock:
        if not refresh and _watch_cache["key"] == key and _watch_cache["index"] is not None:
            return _watch_cache["index"]
    entries = []
    for row in WatchListEntry.objects.exclude(status=WatchEntryStatus.REMOVED).select_related(
        "watch_list", "notice"
    ):
        status, until = row.effective_status()
        if status == WatchEntryStatus.REMOVED:
            continue
        entries.append(
            WatchEntryFacts(
                id=row.pk,
                list_key=row.watch_list.key,
                list_name=row.watch_list.name,
                name=row.name,
                aliases=tuple(n for n in [row.name_zh, *row.aliases] if n),
                country=row.country,
                status=status,
                version_date=row.watch_list.version_date,
                confidence=row.confidence,
                notice=row.announcement,
                notice_key=row.notice.key if row.notice else "",
                effects=tuple(row.notice.effects) if row.notice else (),
                suspended_until=until,
                identifiers=entry_identifiers(row.identifiers),
            )
        )
    lists = dict(WatchList.objects.values_list("id", "version_date"))
    index = WatchIndex(entries, lists)
    with _watch_lock:
        _watch_cache["key"], _watch_cache["index"] = key, index
    return index

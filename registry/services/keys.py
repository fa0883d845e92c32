"""The keys of a reference change: which cases a registry write can move. One source.

Every registry service and every import computes its change's keys here, so a write made
through the admin, a page, the API or a spreadsheet records the same keys for the same
change. `cases_affected_by` (assessments) reads them literally: the group closure (a group
covers the groups absorbed into it) is taken here, when the change is recorded, and nowhere
else.

Semantics, per dimension: an empty key means "any" (no narrowing); producer and group ids
are one dimension (either matches); a date window is [date_from, date_to), None open;
destinations are the shipment's destination country codes (ISO alpha-2, upper case).
`ChangeKeys.union` keeps those semantics when one change covers several rows (an import).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from method.choices import SEPARATED_FORMS
from registry.choices import ProductForm, QuotaCategory, QuotaKind
from registry.models import DestinationRestriction, Element, ProducerGroup, WatchNotice


def _frozen(values: Iterable) -> frozenset:
    return frozenset(v for v in values if v not in (None, ""))


@dataclass(frozen=True)
class ChangeKeys:
    producer_ids: frozenset[int] = frozenset()
    group_ids: frozenset[int] = frozenset()
    elements: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None
    party_names: frozenset[str] = frozenset()
    destinations: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        producer_ids: Iterable[int] = (),
        group_ids: Iterable[int] = (),
        elements: Iterable[str] = (),
        forms: Iterable[str] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        party_names: Iterable[str] = (),
        destinations: Iterable[str] = (),
    ) -> ChangeKeys:
        return cls(
            producer_ids=_frozen(int(p) for p in producer_ids),
            group_ids=_frozen(int(g) for g in group_ids),
            elements=_frozen(str(e) for e in elements),
            forms=_frozen(str(f) for f in forms),
            date_from=date_from,
            date_to=date_to,
            party_names=_frozen(party_names),
            destinations=_frozen(str(d).strip().upper() for d in destinations),
        )

    @staticmethod
    def union(keys: Iterable[ChangeKeys]) -> ChangeKeys:
        """The keys of one change covering all of `keys`: a dimension that is "any" on one
        side is "any"; windows are joined (an open side stays open)."""
        keys = list(keys)
        if not keys:
            return NO_KEYS

        def joined(name: str) -> frozenset:
            sets = [getattr(k, name) for k in keys]
            return frozenset() if any(not s for s in sets) else frozenset().union(*sets)

        any_party = any(not (k.producer_ids or k.group_ids) for k in keys)
        starts = [k.date_from for k in keys]
        ends = [k.date_to for k in keys]
        return ChangeKeys(
            producer_ids=frozenset()
            if any_party
            else frozenset().union(*(k.producer_ids for k in keys)),
            group_ids=frozenset() if any_party else frozenset().union(*(k.group_ids for k in keys)),
            elements=joined("elements"),
            forms=joined("forms"),
            date_from=None if None in starts else min(starts),
            date_to=None if None in ends else max(ends),
            party_names=joined("party_names"),
            destinations=joined("destinations"),
        )

    def as_fields(self) -> dict:
        """The ReferenceChange fields, sorted for a stable record."""
        return {
            "producer_ids": sorted(self.producer_ids),
            "group_ids": sorted(self.group_ids),
            "elements": sorted(self.elements),
            "forms": sorted(self.forms),
            "date_from": self.date_from,
            "date_to": self.date_to,
            "party_names": sorted(self.party_names, key=str),
            "destinations": sorted(self.destinations),
        }


NO_KEYS = ChangeKeys()


# --- the knowledge: what each kind of write can move ----------------------------------------


def group_ids_with_predecessors(group: ProducerGroup | int | None) -> list[int]:
    """The group and every group absorbed into it, directly or through others (the closure,
    taken once, here)."""
    if group is None:
        return []
    root = group if isinstance(group, int) else group.pk
    ids, frontier = {root}, [root]
    while frontier:
        nxt = list(
            ProducerGroup.objects.filter(successor_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.update(nxt)
        frontier = nxt
    return sorted(ids)


@dataclass(frozen=True)
class MeasureScope:
    """What a measure (or a suspension of it) covers: elements, forms and a window."""

    elements: frozenset[str]
    forms: frozenset[str]
    starts: date
    ends: date | None

    @classmethod
    def of(cls, *, elements: Iterable[str], forms: Iterable[str], starts: date, ends):
        return cls(_frozen(elements), _frozen(forms), starts, ends)


def measure_keys(old: MeasureScope | None, new: MeasureScope | None) -> ChangeKeys:
    """A measure added, changed or removed: the old and the new scope and the union of the
    windows, so cases that fall out of it are re-scored as well as those that fall in.
    A measure with no element (or form) scope covers every element (or form)."""
    return ChangeKeys.union(
        ChangeKeys(elements=s.elements, forms=s.forms, date_from=s.starts, date_to=s.ends)
        for s in (old, new)
        if s is not None
    )


def suspension_keys(
    *,
    measure: MeasureScope,
    old: tuple[date, date | None] | None,
    new: tuple[date, date | None] | None,
) -> ChangeKeys:
    """A suspension set, changed or lifted: the suspended measure's elements and forms over
    the union of the old and new suspension windows."""
    windows = [w for w in (old, new) if w is not None]
    return ChangeKeys.union(
        ChangeKeys(elements=measure.elements, forms=measure.forms, date_from=a, date_to=b)
        for a, b in windows
    )


def succession_keys(*, group: ProducerGroup, successors: Iterable[int | None]) -> ChangeKeys:
    """A group's successor or absorption date changed: its producers (and those of the groups
    absorbed into it) may hold quota through another group; both successors are keyed."""
    ids = set(group_ids_with_predecessors(group)) | {pk for pk in successors if pk}
    return ChangeKeys.of(group_ids=ids)


def producer_moved_keys(*, producer_ids: Iterable[int]) -> ChangeKeys:
    """Producers moved to another group (another quota holder)."""
    return ChangeKeys.of(producer_ids=producer_ids)


def category_elements(category: str) -> list[str]:
    if category == QuotaCategory.TOTAL:
        return []
    return sorted(Element.objects.filter(quota_category=category).values_list("symbol", flat=True))


def kind_forms(kind: str) -> list[str]:
    return [ProductForm.ORE.value] if kind == QuotaKind.MINING else list(SEPARATED_FORMS)


def year_start(year: int) -> date:
    return date(year, 1, 1)


def allocation_keys(*, group: ProducerGroup, kind: str, category: str, year: int) -> ChangeKeys:
    """A group's allocation or utilisation in one year. date_to stays open: a later cycle
    whose volumes are unknown falls back to this one. A "total" category covers every
    element."""
    return ChangeKeys.of(
        group_ids=group_ids_with_predecessors(group),
        elements=category_elements(category),
        forms=kind_forms(kind),
        date_from=year_start(year),
    )


def quota_year_keys(*, year: int) -> ChangeKeys:
    """A cycle or batch of a year (published flag, totals, a batch issued or withdrawn)."""
    return ChangeKeys(date_from=year_start(year))


def calendar_keys(*, first: date) -> ChangeKeys:
    """Working days from `first` on: any working-day count passing it may move."""
    return ChangeKeys(date_from=first)


def watch_entry_keys(*, names: Iterable[str]) -> ChangeKeys:
    """Watch-list entries added, changed or removed: every name and alias they had or have."""
    return ChangeKeys.of(party_names=(n for n in names if n and str(n).strip()))


def watch_notice_keys(*, notice: WatchNotice) -> ChangeKeys:
    """A notice's status, suspension or effects changed: it moves the cases whose parties
    resemble its entries, so it is keyed like those entries' own change (every name and
    alias of every entry the notice listed)."""
    names = [n for entry in notice.entries.all() for n in entry.all_names()]
    return watch_entry_keys(names=names)


def technology_item_keys() -> ChangeKeys:
    """A technology catalogue item added, changed or removed: the technology cases (a case
    records its item by its own classification, not by a registry link, so every one of
    them is keyed)."""
    return ChangeKeys.of(forms=[ProductForm.TECHNOLOGY])


def list_published_keys(
    *, producer_ids: Iterable[int], effective_from: date, until: date | None
) -> ChangeKeys:
    """An approved-list version published: the producers whose status differs from the
    version in force before, from its effective date until the next published version."""
    return ChangeKeys.of(producer_ids=producer_ids, date_from=effective_from, date_to=until)


@dataclass(frozen=True)
class DestinationWindow:
    """Where and when a destination restriction applies (what its change keys need)."""

    country: str
    starts: date
    ends: date | None

    @classmethod
    def of(cls, restriction: DestinationRestriction) -> DestinationWindow:
        return cls(restriction.country, restriction.effective_from, restriction.effective_to)


def destination_keys(
    restriction: DestinationRestriction | DestinationWindow | None,
    *,
    old: DestinationWindow | None = None,
) -> ChangeKeys:
    """A destination restriction added, changed (`old` = its window before) or removed
    (`restriction` None): the countries it named and names, over the union of the windows,
    so cases shipping where or when it no longer applies are re-scored too. Its scope and
    severity are not keys: every case to that country in the window may move."""
    new = (
        DestinationWindow.of(restriction)
        if isinstance(restriction, DestinationRestriction)
        else restriction
    )
    return ChangeKeys.union(
        ChangeKeys.of(destinations=[w.country], date_from=w.starts, date_to=w.ends)
        for w in (old, new)
        if w is not None
    )

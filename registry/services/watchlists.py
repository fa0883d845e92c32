"""Watch lists of parties (MOFCOM's Unreliable Entity List, control list, watch list)."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from core.types import Actor
from registry.choices import ChangeKind, WatchEntryStatus
from registry.models import (
    WATCH_ENTRY_FIELDS,
    WATCH_NOTICE_FIELDS,
    ReferenceChange,
    WatchList,
    WatchListEntry,
    WatchNotice,
)

from ._common import apply_changes, validated_save
from .changes import reference_change_record
from .keys import watch_entry_keys, watch_notice_keys

ENTRY_FIELDS = WATCH_ENTRY_FIELDS


def _snapshot(entry: WatchListEntry) -> dict:
    return {f: getattr(entry, f) for f in ENTRY_FIELDS}


def watch_entry_change_record(
    *, watch_list: WatchList, names: Iterable[str], actor: Actor = None, summary: str, details: dict
) -> ReferenceChange:
    return reference_change_record(
        kind=ChangeKind.WATCH_LIST,
        summary=summary,
        actor=actor,
        source=watch_list,
        details=details,
        keys=watch_entry_keys(names=names),
    )


def _save_entry(entry: WatchListEntry, fields: dict, actor) -> dict:
    diff = apply_changes(entry, fields)
    if actor is not None:
        entry._history_user = actor
    entry.full_clean()
    entry.save()
    return diff


@transaction.atomic
def watch_list_entry_upsert(
    *,
    watch_list: WatchList,
    name: str,
    actor: Actor = None,
    entry: WatchListEntry | None = None,
    **fields,
) -> WatchListEntry:
    """Add an entry, or change `entry` (or the entry of that name on the list)."""
    if entry is None:
        entry = watch_list.entries.filter(name__iexact=name).first()
    created = entry is None
    if created:
        entry = WatchListEntry(watch_list=watch_list)
    old = None if created else _snapshot(entry)
    old_names = [] if created else entry.all_names()
    diff = _save_entry(entry, {"name": name, **fields}, actor)
    if created or diff:
        watch_entry_change_record(
            watch_list=watch_list,
            names=[*old_names, *entry.all_names()],
            actor=actor,
            summary=f"{watch_list.name}: {entry.name} {'added' if created else 'changed'}",
            details={"entry_id": entry.pk, "old": old, "new": _snapshot(entry), "changes": diff},
        )
    return entry


@transaction.atomic
def watch_list_entry_remove(
    *, entry: WatchListEntry, actor: Actor = None, delete: bool = False
) -> None:
    """Mark an entry removed (kept, with its history), or delete it when `delete` is True."""
    names, old = entry.all_names(), _snapshot(entry)
    if delete:
        if actor is not None:
            entry._history_user = actor
        entry.delete()
    else:
        _save_entry(entry, {"status": WatchEntryStatus.REMOVED}, actor)
    watch_entry_change_record(
        watch_list=entry.watch_list,
        names=names,
        actor=actor,
        summary=f"{entry.watch_list.name}: {old['name']} {'deleted' if delete else 'removed'}",
        details={"old": old, "new": None if delete else _snapshot(entry)},
    )


@transaction.atomic
def watch_list_import(
    *,
    watch_list: WatchList,
    rows: Iterable[dict],
    actor: Actor = None,
    version_date: date | None = None,
    replace: bool = False,
) -> ReferenceChange | None:
    """Apply a batch of entries (dicts with `name` and any entry fields), matched by name.

    With `replace`, entries not in `rows` are marked removed. One reference change covers
    the batch; its party_names are the names and aliases of every added, changed or removed
    entry. Returns None when nothing changed.
    """
    existing = {e.name.casefold(): e for e in watch_list.entries.all()}
    seen: set[str] = set()
    names: list[str] = []
    added, changed, removed = [], [], []
    for row in rows:
        row = dict(row)
        name = row.pop("name")
        key = name.casefold()
        seen.add(key)
        entry = existing.get(key)
        if entry is None:
            entry = WatchListEntry(watch_list=watch_list)
            _save_entry(entry, {"name": name, **row}, actor)
            added.append(entry.name)
            names.extend(entry.all_names())
        else:
            before = entry.all_names()
            if _save_entry(entry, {"name": name, **row}, actor):
                changed.append(entry.name)
                names.extend([*before, *entry.all_names()])
    if replace:
        for key, entry in existing.items():
            if key not in seen and entry.status != WatchEntryStatus.REMOVED:
                _save_entry(entry, {"status": WatchEntryStatus.REMOVED}, actor)
                removed.append(entry.name)
                names.extend(entry.all_names())
    if version_date and version_date != watch_list.version_date:
        watch_list.version_date = version_date
        watch_list.full_clean()
        watch_list.save()
    if not (added or changed or removed):
        return None
    return watch_entry_change_record(
        watch_list=watch_list,
        names=names,
        actor=actor,
        summary=f"{watch_list.name} updated: {len(added)} added, {len(changed)} changed, "
        f"{len(removed)} removed",
        details={"added": added, "changed": changed, "removed": removed},
    )


@transaction.atomic
def watch_notice_save(*, notice: WatchNotice, actor: Actor = None) -> ReferenceChange | None:
    """Add or change a notice (validated first). A change of its status, suspension or
    effects moves every entry it listed: the change is keyed by their names. Returns the
    change, or None when no value changed."""
    saved = validated_save(notice, WATCH_NOTICE_FIELDS, actor)
    if not saved.changed:
        return None
    return reference_change_record(
        kind=ChangeKind.WATCH_LIST,
        summary=f"Watch-list notice {notice.key} {saved.verb}",
        actor=actor,
        source=notice,
        details={"old": saved.before, "new": saved.after, "changed": saved.changed},
        keys=watch_notice_keys(notice=notice),
    )

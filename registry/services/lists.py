"""Approved-producer list versions: drafts, entries, publishing and the diff between versions."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.types import Actor
from registry.choices import ChangeKind, ListEntryStatus, ListVersionStatus, QuotaConfidence
from registry.models import ApprovedListEntry, ApprovedListVersion, Producer, ReferenceChange
from registry.selectors import list_version_in_force

from ._common import apply_changes
from .changes import reference_change_record
from .keys import list_published_keys

PUBLISHED_IS_IMMUTABLE = "This list version is published and can no longer be changed."


@dataclass(frozen=True)
class DiffRow:
    producer_id: int
    producer: str
    old_status: str | None
    new_status: str | None
    old_note: str = ""
    new_note: str = ""


@dataclass(frozen=True)
class ListDiff:
    """What changed from version `a` to version `b`, by producer."""

    added: tuple[DiffRow, ...] = field(default_factory=tuple)
    removed: tuple[DiffRow, ...] = field(default_factory=tuple)
    status_changed: tuple[DiffRow, ...] = field(default_factory=tuple)

    @property
    def producer_ids(self) -> list[int]:
        return sorted(r.producer_id for r in (*self.added, *self.removed, *self.status_changed))

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.status_changed)


def _entries(version: ApprovedListVersion | None) -> dict[int, ApprovedListEntry]:
    if version is None:
        return {}
    return {e.producer_id: e for e in version.entries.select_related("producer")}


def approved_list_diff(a: ApprovedListVersion | None, b: ApprovedListVersion | None) -> ListDiff:
    """Producers added to, removed from, or with another status in `b` compared with `a`.

    `a` may be None (the first version): then every entry of `b` is "added".
    """
    old, new = _entries(a), _entries(b)

    def row(pid: int) -> DiffRow:
        o, n = old.get(pid), new.get(pid)
        p = (n or o).producer
        return DiffRow(
            producer_id=pid,
            producer=p.name_en,
            old_status=o.status if o else None,
            new_status=n.status if n else None,
            old_note=o.note if o else "",
            new_note=n.note if n else "",
        )

    def by_name(pids) -> tuple[DiffRow, ...]:
        return tuple(sorted((row(p) for p in pids), key=lambda r: r.producer.lower()))

    return ListDiff(
        added=by_name(new.keys() - old.keys()),
        removed=by_name(old.keys() - new.keys()),
        status_changed=by_name(
            p for p in new.keys() & old.keys() if new[p].status != old[p].status
        ),
    )


def _refuse_if_published(version: ApprovedListVersion) -> None:
    # Re-read: the caller's instance may be stale, and the database is what counts.
    status = ApprovedListVersion.objects.filter(pk=version.pk).values_list("status", flat=True)
    if version.pk and status.first() == ListVersionStatus.PUBLISHED:
        raise ValidationError({"version": PUBLISHED_IS_IMMUTABLE})


@transaction.atomic
def approved_list_version_create(
    *,
    label: str,
    effective_from: date,
    actor: Actor = None,
    source_document: str = "",
    notes: str = "",
    confidence: str = QuotaConfidence.OFFICIAL,
    copy_from: ApprovedListVersion | None = None,
    is_demo: bool = False,
) -> ApprovedListVersion:
    """A new draft version, optionally starting from another version's entries.

    `confidence` says how the list is known (official, or reported when rebuilt from
    press and company reports); pages and reasons label a version that is not official.
    """
    version = ApprovedListVersion(
        label=label,
        effective_from=effective_from,
        source_document=source_document,
        notes=notes,
        confidence=confidence,
        is_demo=is_demo,
        status=ListVersionStatus.DRAFT,
    )
    if actor is not None:
        version._history_user = actor
    version.full_clean()
    version.save()
    if copy_from is not None:
        ApprovedListEntry.objects.bulk_create(
            ApprovedListEntry(
                version=version, producer_id=e.producer_id, status=e.status, note=e.note
            )
            for e in copy_from.entries.all()
        )
    return version


@transaction.atomic
def approved_list_version_update(
    *, version: ApprovedListVersion, actor: Actor = None, **changes
) -> ApprovedListVersion:
    """Edit a draft's label, date, source, confidence or notes. Published versions are
    refused."""
    _refuse_if_published(version)
    if "status" in changes or "published_at" in changes:
        raise ValidationError({"status": "Use approved_list_publish to publish a version."})
    apply_changes(version, changes)
    if actor is not None:
        version._history_user = actor
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def approved_list_version_delete(*, version: ApprovedListVersion, actor: Actor = None) -> None:
    _refuse_if_published(version)
    version.delete()


@transaction.atomic
def approved_list_entry_set(
    *,
    version: ApprovedListVersion,
    producer: Producer,
    status: str = ListEntryStatus.APPROVED,
    note: str = "",
    actor: Actor = None,
) -> ApprovedListEntry:
    """Put a producer on a draft version with a status (approved, suspended, removed)."""
    _refuse_if_published(version)
    entry = ApprovedListEntry.objects.filter(version=version, producer=producer).first()
    if entry is None:
        entry = ApprovedListEntry(version=version, producer=producer)
    entry.status, entry.note = status, note
    if actor is not None:
        entry._history_user = actor
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def approved_list_entry_delete(*, entry: ApprovedListEntry, actor: Actor = None) -> None:
    """Take a producer off a draft entirely (to mark it removed, set status=removed instead)."""
    _refuse_if_published(entry.version)
    if actor is not None:
        entry._history_user = actor
    entry.delete()


@transaction.atomic
def approved_list_publish(*, version: ApprovedListVersion, actor: Actor = None) -> ReferenceChange:
    """Publish a draft: it becomes immutable, and the producers whose status differs from
    the version previously in force are recorded as a reference change from its effective
    date (until the next published version, if one is already in force later)."""
    version = ApprovedListVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError({"status": "This list version is already published."})
    if not version.entries.exists():
        raise ValidationError({"entries": "A list version needs at least one entry to publish."})
    previous = list_version_in_force(version.effective_from, exclude=version)
    following = (
        ApprovedListVersion.objects.filter(
            status=ListVersionStatus.PUBLISHED, effective_from__gt=version.effective_from
        )
        .order_by("effective_from")
        .first()
    )
    diff = approved_list_diff(previous, version)
    version.status = ListVersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "pk", None) else None
    if actor is not None:
        version._history_user = actor
    version.full_clean()
    version.save()
    return reference_change_record(
        kind=ChangeKind.LIST_PUBLISHED,
        summary=(
            f"Approved list {version.label} published, in force from {version.effective_from}: "
            f"{len(diff.added)} added, {len(diff.removed)} removed, "
            f"{len(diff.status_changed)} with another status"
        ),
        actor=actor,
        source=version,
        details={
            "previous_version": {"id": previous.pk, "label": previous.label} if previous else None,
            "version": {"id": version.pk, "label": version.label},
            "added": [r.__dict__ for r in diff.added],
            "removed": [r.__dict__ for r in diff.removed],
            "status_changed": [r.__dict__ for r in diff.status_changed],
        },
        keys=list_published_keys(
            producer_ids=diff.producer_ids,
            effective_from=version.effective_from,
            until=following.effective_from if following else None,
        ),
    )

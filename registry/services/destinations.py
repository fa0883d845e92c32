"""Destination restrictions: UN sanctions and Chinese countermeasures, by country."""

from collections.abc import Iterable

from django.db import models, transaction

from core.types import Actor
from registry.choices import ChangeKind
from registry.models import DESTINATION_FIELDS, DestinationRestriction, ReferenceChange

from ._common import validated_save
from .changes import reference_change_record
from .keys import ChangeKeys, DestinationWindow, destination_keys


def destination_snapshot(restriction: DestinationRestriction) -> dict:
    return {f: getattr(restriction, f) for f in DESTINATION_FIELDS}


def destination_change_record(
    *,
    changes: Iterable[tuple[DestinationRestriction | None, DestinationWindow | None]],
    summary: str,
    details: dict,
    actor: Actor = None,
    source: models.Model | None = None,
) -> ReferenceChange:
    """One reference change for restrictions written together (a form, an import file):
    each pair is (the restriction now, or None when deleted; its window before, or None
    when new), keyed by destination_keys so the admin and the import record the same."""
    return reference_change_record(
        kind=ChangeKind.DESTINATION,
        summary=summary,
        actor=actor,
        source=source,
        details=details,
        keys=ChangeKeys.union(destination_keys(now, old=before) for now, before in changes),
    )


@transaction.atomic
def destination_restriction_save(
    *, restriction: DestinationRestriction, actor: Actor = None
) -> DestinationRestriction:
    """Add or change a restriction (validated first). Any change of a saved value is
    recorded: a new country or window moves cases in and out, a new scope or severity moves
    the band of the cases already in it."""
    saved = validated_save(restriction, DESTINATION_FIELDS, actor)
    if not saved.changed:
        return restriction
    old = saved.old
    destination_change_record(
        changes=[(restriction, DestinationWindow.of(old) if old is not None else None)],
        summary=f"Destination restriction {saved.verb}: {restriction}",
        details={"old": saved.before, "new": saved.after, "changed": saved.changed},
        actor=actor,
        source=restriction,
    )
    return restriction


@transaction.atomic
def destination_restriction_delete(
    *, restriction: DestinationRestriction, actor: Actor = None
) -> None:
    """Delete a restriction; the cases it applied to are re-scored without it."""
    old = DestinationRestriction.objects.get(pk=restriction.pk)
    destination_change_record(
        changes=[(None, DestinationWindow.of(old))],
        summary=f"Destination restriction deleted: {old}",
        details={"old": destination_snapshot(old), "new": None},
        actor=actor,
    )
    if actor is not None:
        old._history_user = actor
    old.delete()

"""Technology catalogue items (the 2023 catalogue, MOFCOM No. 62 of 2025's 1E902)."""

from django.db import transaction

from core.types import Actor
from registry.choices import ChangeKind
from registry.models import ReferenceChange, TechnologyItem

from ._common import field_values, validated_save
from .changes import reference_change_record
from .keys import technology_item_keys

ITEM_FIELDS = tuple(f.attname for f in TechnologyItem._meta.concrete_fields if f.name != "id")


@transaction.atomic
def technology_item_save(*, item: TechnologyItem, actor: Actor = None) -> ReferenceChange | None:
    """Add or change a catalogue item (validated first); the technology cases are re-scored.
    Returns the change recorded, or None when no value changed."""
    saved = validated_save(item, ITEM_FIELDS, actor)
    if not saved.changed:
        return None
    return reference_change_record(
        kind=ChangeKind.TECHNOLOGY,
        summary=f"Technology item {saved.verb}: {item}",
        actor=actor,
        source=item,
        details={"old": saved.before, "new": saved.after, "changed": saved.changed},
        keys=technology_item_keys(),
    )


@transaction.atomic
def technology_item_delete(*, item: TechnologyItem, actor: Actor = None) -> ReferenceChange:
    change = reference_change_record(
        kind=ChangeKind.TECHNOLOGY,
        summary=f"Technology item deleted: {item}",
        actor=actor,
        details={"old": field_values(item, ITEM_FIELDS), "new": None},
        keys=technology_item_keys(),
    )
    if actor is not None:
        item._history_user = actor
    item.delete()
    return change

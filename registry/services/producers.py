"""Producers and facilities."""

from django.db import transaction

from core.types import Actor
from registry.choices import ChangeKind
from registry.models import Producer, ProducerGroup

from ._common import apply_changes
from .changes import reference_change_record
from .keys import producer_moved_keys, succession_keys


@transaction.atomic
def producer_create(*, actor: Actor = None, **fields) -> Producer:
    """A new producer is on no list yet and no case can name it: no reference change."""
    producer = Producer(**fields)
    if actor is not None:
        producer._history_user = actor
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def producer_update(*, producer: Producer, actor: Actor = None, **changes) -> Producer:
    """Change a producer; a change of group (quota holder) is recorded as a reference change."""
    producer = Producer.objects.select_related("group").get(pk=producer.pk)
    old_group = producer.group
    diff = apply_changes(producer, changes)
    if actor is not None:
        producer._history_user = actor
    producer.full_clean()
    producer.save()
    if producer.group_id != (old_group.pk if old_group else None):
        reference_change_record(
            kind=ChangeKind.PRODUCER,
            summary=f"{producer.name_en} moved from {old_group or 'no group'} to "
            f"{producer.group or 'no group'}",
            actor=actor,
            source=producer,
            details={"changes": diff},
            keys=producer_moved_keys(producer_ids=[producer.pk]),
        )
    return producer


@transaction.atomic
def producer_group_save(*, group: ProducerGroup, actor: Actor = None) -> ProducerGroup:
    """Save a group (new or edited); a change of successor or absorption date moves quota
    holding, so it is recorded for the group, its predecessors and both successors."""
    old = ProducerGroup.objects.filter(pk=group.pk).first() if group.pk else None
    if actor is not None:
        group._history_user = actor
    group.full_clean()
    group.save()
    if old is None:
        return group
    if (old.successor_id, old.absorbed_on) != (group.successor_id, group.absorbed_on):
        reference_change_record(
            kind=ChangeKind.PRODUCER,
            summary=f"{group} succession changed",
            actor=actor,
            source=group,
            details={
                "successor": {"old": old.successor_id, "new": group.successor_id},
                "absorbed_on": {"old": old.absorbed_on, "new": group.absorbed_on},
            },
            keys=succession_keys(group=group, successors=(old.successor_id, group.successor_id)),
        )
    return group

"""Producers and facilities."""

from django.db import transaction

from registry.choices import ChangeKind
from registry.models import Producer

from ._common import apply_changes
from .changes import reference_change_record


@transaction.atomic
def producer_create(*, actor=None, **fields) -> Producer:
    """A new producer is on no list yet and no case can name it: no reference change."""
    producer = Producer(**fields)
    if actor is not None:
        producer._history_user = actor
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def producer_update(*, producer: Producer, actor=None, **changes) -> Producer:
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
            producer_ids=[producer.pk],
        )
    return producer

"""Reference changes: the audit row that tells assessments what a registry write can move."""

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from config.broker import task_publish
from registry.choices import ChangeKind
from registry.models import ReferenceChange

logger = logging.getLogger(__name__)


def jsonable(value: Any) -> Any:
    """Dates, decimals and model instances as JSON-safe values for `details`."""
    if isinstance(value, models.Model):
        return {"pk": value.pk, "repr": str(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return DjangoJSONEncoder().default(value)


def _sorted_unique(values: Iterable) -> list:
    return sorted({v for v in values if v not in (None, "")}, key=str)


def enqueue_rescore(change_id: int) -> None:
    """Publish the re-score once; a dead or hung broker is logged, not raised (the change
    stays pending and the minute check, assessments.tasks.rescore_watchdog, enqueues it)."""
    from assessments.tasks import reference_change_rescore  # lazy: assessments imports registry

    task_publish(reference_change_rescore, change_id)


def reference_change_record(
    *,
    kind: str,
    summary: str,
    actor=None,
    source: models.Model | None = None,
    details: dict | None = None,
    producer_ids: Iterable[int] = (),
    group_ids: Iterable[int] = (),
    elements: Iterable[str] = (),
    forms: Iterable[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    party_names: Iterable[str] = (),
) -> ReferenceChange:
    """Save a ReferenceChange and, once the transaction commits, enqueue its re-score.

    Call it inside the service's own transaction so that the change and the write it
    describes commit (or roll back) together.
    """
    if kind not in ChangeKind.values:
        raise ValueError(f"Unknown change kind {kind!r}")
    details = jsonable(dict(details or {}))
    if actor is not None and getattr(actor, "pk", None):
        details.setdefault("actor", {"id": actor.pk, "username": actor.get_username()})
    change = ReferenceChange(
        kind=kind,
        summary=summary[:500],
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        source_model=source._meta.label_lower if source is not None else "",
        source_pk=str(source.pk) if source is not None else "",
        details=details,
        producer_ids=_sorted_unique(producer_ids),
        group_ids=_sorted_unique(group_ids),
        elements=_sorted_unique(elements),
        forms=_sorted_unique(forms),
        date_from=date_from,
        date_to=date_to,
        party_names=_sorted_unique(party_names),
    )
    change.full_clean()
    change.save()
    pk = change.pk
    transaction.on_commit(lambda: enqueue_rescore(pk))
    return change

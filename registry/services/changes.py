"""Reference changes: the audit row that tells assessments what a registry write can move."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from core.types import Actor
from registry.choices import ChangeKind
from registry.models import ReferenceChange
from registry.ports import rescore_requested
from registry.services.keys import NO_KEYS, ChangeKeys

logger = logging.getLogger(__name__)
# The collectors of the `changes_recorded()` blocks open in this context, outermost first
# (an impact preview around an API write that reports its own change: both hear it).
_recorded: ContextVar[tuple[list[ReferenceChange], ...]] = ContextVar("recorded", default=())


@contextmanager
def changes_recorded() -> Iterator[list[ReferenceChange]]:
    """Collect the reference changes a service call records, for a caller that reports
    them (the API answers a write with the change it recorded, so a client can follow the
    re-score). Per context (thread or task), so concurrent requests never see each other's."""
    changes: list[ReferenceChange] = []
    token = _recorded.set((*_recorded.get(), changes))
    try:
        yield changes
    finally:
        _recorded.reset(token)


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


def enqueue_rescore(change_id: int) -> None:
    """Ask for the re-score (registry.ports). The provider absorbs a dead broker: the change
    stays pending and the periodic check re-enqueues it."""
    rescore_requested(change_id=change_id)


def reference_change_record(
    *,
    kind: str,
    summary: str,
    actor: Actor = None,
    source: models.Model | None = None,
    details: dict | None = None,
    keys: ChangeKeys = NO_KEYS,
) -> ReferenceChange:
    """Save a ReferenceChange and, once the transaction commits, ask for its re-score.

    `keys` come from registry/services/keys.py (the one place that knows what each kind of
    write can move). Call it inside the service's own transaction so that the change and
    the write it describes commit (or roll back) together.
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
        **keys.as_fields(),
    )
    change.full_clean()
    change.save()
    for listening in _recorded.get():
        listening.append(change)
    pk = change.pk
    transaction.on_commit(lambda: enqueue_rescore(pk))
    return change

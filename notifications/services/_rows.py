"""The retry chain both outboxes share: e-mail rows (OutboxMessage) and webhook deliveries.

A row is due when `next_attempt_at` has passed and it is pending, failed, or sending past
its lease (the sender died). It is claimed under `SELECT ... FOR UPDATE SKIP LOCKED`, so
concurrent senders never take the same row; each outcome is written only if the row is
still in the attempt this sender claimed (`status="sending"`, same `attempts`), so a sender
whose lease ran out cannot overwrite the attempt that took the row over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet

from notifications.choices import MessageStatus
from notifications.services._common import OUTBOX_DEAD_AFTER, SENDING_LEASE, outbox_backoff

Row = TypeVar("Row", bound=models.Model)

PENDING = MessageStatus.PENDING.value
SENDING = MessageStatus.SENDING.value
FAILED = MessageStatus.FAILED.value
DEAD = MessageStatus.DEAD.value


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def row_claim(
    due: QuerySet[Row], *, now: dt.datetime, prepare: Callable[[Row], list[str]] | None = None
) -> Row | None:
    """Take the first row of `due` (a selector's due rows) that no other sender holds, and
    mark it sending.

    `prepare(row)` may fill fields before the save and returns their names."""
    with transaction.atomic():
        row = (
            due.select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if row is None:
            return None
        extra = prepare(row) if prepare else []
        row.status = SENDING
        row.attempts += 1
        row.last_attempt_at = now
        # If this sender dies, the row is due again once the lease has passed.
        row.next_attempt_at = now + SENDING_LEASE
        row.save(update_fields=["status", "attempts", "last_attempt_at", "next_attempt_at", *extra])
    return row


def _this_attempt(row: models.Model) -> QuerySet:
    return type(row)._default_manager.filter(pk=row.pk, status=SENDING, attempts=row.attempts)


def row_failed(
    row: models.Model, *, now: dt.datetime, error: str, may_die: bool = True, **fields
) -> bool:
    """Record a failed attempt and schedule the next (backoff); a row failing for
    `OUTBOX_DEAD_AFTER` becomes a dead letter unless `may_die` is false. Returns dead."""
    first = row.first_failed_at or now
    dead = may_die and now - first >= OUTBOX_DEAD_AFTER
    _this_attempt(row).update(
        status=DEAD if dead else FAILED,
        last_error=error[:2000],
        first_failed_at=first,
        next_attempt_at=None if dead else now + outbox_backoff(row.attempts),
        **fields,
    )
    return dead


def row_done(row: models.Model, *, status: str, **fields) -> bool:
    """Record the successful attempt (`status` is the model's sent/delivered value)."""
    updated = _this_attempt(row).update(
        status=status, last_error="", next_attempt_at=None, first_failed_at=None, **fields
    )
    return bool(updated)


def row_requeue(model: type[Row], *, pk: int, now: dt.datetime, noun: str = "rows") -> Row:
    """Queue a failed or dead row for another attempt now; a dead letter gets a fresh day."""
    with transaction.atomic():
        row = model._default_manager.select_for_update().get(pk=pk)
        if row.status not in (FAILED, DEAD):
            raise ValidationError(
                {
                    "status": f"Only failed or dead {noun} can be retried; "
                    f"this one is {row.get_status_display().lower()}."
                }
            )
        row.status = PENDING
        row.next_attempt_at = now
        row.first_failed_at = None
        row.save(update_fields=["status", "next_attempt_at", "first_failed_at"])
    return row

"""The kick: at most one publish per transaction that tells the mail worker to send.

Services that queue outbox rows call `outbox_kick()`. On commit it publishes one
`outbox_flush` (however many rows the transaction queued), once and bounded by the broker
timeouts (core.broker.task_publish); a broker that is down or hung is logged and the rows
stay pending for beat's flush, a minute later at most. A rolled-back transaction publishes
nothing. Outside a transaction the kick is published at once.
"""

from __future__ import annotations

from django.db import transaction

from core.broker import task_publish


def _publish_flush() -> None:
    from notifications.tasks import outbox_flush  # the tasks module imports the services

    task_publish(outbox_flush)


def outbox_kick(*, using: str | None = None) -> None:
    """Send what is due once this transaction commits (one publish per transaction)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        func is _publish_flush for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_publish_flush, using=using, robust=True)

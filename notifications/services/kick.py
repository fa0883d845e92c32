"""The kick: at most one publish per transaction that tells a sender to send.

Services that queue outbox rows call `outbox_kick()`, those that queue webhook deliveries
`webhooks_kick()`. On commit each publishes one flush (however many rows the transaction
queued), once and bounded by the broker timeouts (core.broker.task_publish); a broker that
is down or hung is logged and the rows stay pending for beat's flush, a minute later at
most. A rolled-back transaction publishes nothing. Outside a transaction the kick is
published at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from core.broker import task_publish


def _publish_flush() -> None:
    from notifications.tasks import outbox_flush  # the tasks module imports the services

    task_publish(outbox_flush)


def _publish_webhook_flush() -> None:
    from notifications.tasks import webhook_flush

    task_publish(webhook_flush)


def _on_commit_once(publish: Callable[[], None], *, using: str | None) -> None:
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        func is publish for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(publish, using=using, robust=True)


def outbox_kick(*, using: str | None = None) -> None:
    """Send what is due once this transaction commits (one publish per transaction)."""
    _on_commit_once(_publish_flush, using=using)


def webhooks_kick(*, using: str | None = None) -> None:
    """Deliver the webhooks that are due once this transaction commits."""
    _on_commit_once(_publish_webhook_flush, using=using)

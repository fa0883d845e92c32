"""Notification tasks: IDs in, one service call, idempotent, time-limited.

Beat runs `outbox_flush` and `webhook_flush` every minute, `document_expiry_remind` and
`digest_send` daily (CELERY_BEAT_SCHEDULE); every transaction that queues mail also publishes
one `outbox_flush` on commit (services.kick), and one that queues webhook deliveries one
`webhook_flush`. The retry schedule is on each outbox row or delivery, not in Celery: the
sending tasks do not retry (the reminder task retries a database error). They run on the
`mail` queue (CELERY_TASK_ROUTES).
"""

import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from .models import OutboxMessage
from .services import (
    digest_build_and_queue,
    document_expiry_reminders_queue,
    outbox_flush_due,
    outbox_message_send,
    webhook_deliveries_send_due,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def outbox_send(message_id: int) -> None:
    """Send one outbox message if it is due; its failures are scheduled on the row.

    Kept for messages published before the kick replaced it; nothing publishes it now."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        logger.warning("Outbox message %s no longer exists", message_id)
        return
    try:
        outbox_message_send(message=message)
    except Exception:  # the row records the error and its next attempt
        logger.info("Outbox message %s left for its next attempt", message_id)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180, ignore_result=True)
def outbox_flush() -> int:
    """Send the outbox rows that are due (each on its own schedule). Returns rows sent."""
    return outbox_flush_due().sent


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180, ignore_result=True)
def webhook_flush() -> int:
    """Send the webhook deliveries that are due (each on its own schedule). Returns rows
    delivered. Safe to run twice at once: rows are claimed under a row lock."""
    return webhook_deliveries_send_due().delivered


@shared_task(acks_late=True, soft_time_limit=15 * 60, time_limit=20 * 60, ignore_result=True)
def digest_send() -> int:
    """Queue today's digests (sent by the flush their kick starts). Safe to run twice."""
    return len(digest_build_and_queue(now=timezone.now()))


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=15 * 60,
    ignore_result=True,
)
def document_expiry_remind() -> int:
    """Record today's document expiry reminders (before the digest, which carries the
    digest-mode ones). Idempotent: a document and expiry date is reminded once."""
    return document_expiry_reminders_queue(today=timezone.localdate())

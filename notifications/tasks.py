"""Notification tasks: IDs in, one service call, idempotent, retried with backoff.

Beat runs `outbox_flush` every five minutes and `digest_send` daily (CELERY_BEAT_SCHEDULE).
"""

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from .models import OutboxMessage
from .services import digest_build_and_queue, outbox_message_send, outbox_requeue_due

logger = logging.getLogger(__name__)

# Connection refused, timeouts, DNS failures are OSError; the server saying no is SMTPException.
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    bind=True,
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def outbox_send(self, message_id: int) -> None:
    """Send one outbox message. A message already sent (or deleted) is a no-op."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        logger.warning("Outbox message %s no longer exists", message_id)
        return
    try:
        outbox_message_send(message=message)
    except RETRYABLE_ERRORS:
        if self.request.is_eager:
            # No broker (embedded default, tests): an in-process retry would run at once and
            # block the caller for EMAIL_TIMEOUT per attempt. The row already says "failed"
            # with the error; outbox_flush or the outbox page's retry sends it later.
            return
        raise


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180, ignore_result=True)
def outbox_flush() -> int:
    """Backstop: re-enqueue pending/failed messages whose task was lost or is due again."""
    return len(outbox_requeue_due(now=timezone.now()))


@shared_task(acks_late=True, soft_time_limit=15 * 60, time_limit=20 * 60, ignore_result=True)
def digest_send() -> int:
    """Queue today's digests (each sent by its own outbox_send). Safe to run twice."""
    return len(digest_build_and_queue(now=timezone.now()))

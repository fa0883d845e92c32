"""Sending outbox rows: claim, deliver, record the outcome; retries and re-queueing."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone

from notifications import selectors
from notifications.choices import MessageStatus
from notifications.models import OutboxMessage
from notifications.services._common import (
    FLUSH_BATCH,
    OUTBOX_MAX_ATTEMPTS,
    OUTBOX_RETRY_AFTER,
    SENDING_LEASE,
)
from notifications.services.alerts import _send_later

logger = logging.getLogger(__name__)


# --- Sending


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _deliver(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        # Stable across attempts, so a resend after a lost acknowledgement is recognisable.
        headers={"Message-ID": f"<lodestone-outbox-{message.pk}@{DNS_NAME}>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)


def outbox_message_send(*, message: OutboxMessage) -> OutboxMessage:
    """Send one outbox message through the configured e-mail backend, at most once.

    Claims the row under a lock (pending/failed/orphaned -> sending, attempts + 1), sends
    outside the lock, then records sent or failed. A row already sent, or being sent by
    another worker, is returned untouched. On a send error the row is marked failed with the
    error text and the exception is re-raised for the caller (the task) to retry.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if claimed.status == MessageStatus.SENT:
            return claimed
        if (
            claimed.status == MessageStatus.SENDING
            and claimed.last_attempt_at is not None
            and claimed.last_attempt_at > now - SENDING_LEASE
        ):
            return claimed
        claimed.status = MessageStatus.SENDING
        claimed.attempts += 1
        claimed.last_attempt_at = now
        claimed.save(update_fields=["status", "attempts", "last_attempt_at"])

    this_attempt = OutboxMessage.objects.filter(
        pk=claimed.pk, status=MessageStatus.SENDING, attempts=claimed.attempts
    )
    try:
        _deliver(claimed)
    except Exception as exc:
        this_attempt.update(status=MessageStatus.FAILED, last_error=_error_text(exc))
        logger.warning(
            "Outbox message %s failed (attempt %s): %s", claimed.pk, claimed.attempts, exc
        )
        raise
    this_attempt.update(status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
    claimed.refresh_from_db()
    return claimed


@transaction.atomic
def outbox_message_retry(*, message: OutboxMessage, actor: AbstractBaseUser) -> OutboxMessage:
    """Queue a failed message for another attempt (from the outbox page), whatever its count."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.FAILED:
        raise ValidationError(
            {"status": f"Only failed messages can be retried; this one is {message.status}."}
        )
    logger.info("Outbox message %s retry requested by user %s", message.pk, actor.pk)
    _send_later(message.pk)
    return message


def outbox_requeue_due(*, now: dt.datetime) -> list[int]:
    """Enqueue a send for every message a lost or failed task left behind (see selector)."""
    due = selectors.outbox_due_for_retry(
        now=now,
        retry_after=OUTBOX_RETRY_AFTER,
        sending_lease=SENDING_LEASE,
        max_attempts=OUTBOX_MAX_ATTEMPTS,
    )
    message_ids = list(due.values_list("pk", flat=True)[:FLUSH_BATCH])
    for message_id in message_ids:
        _send_later(message_id)
    return message_ids

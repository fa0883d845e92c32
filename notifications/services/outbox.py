"""Sending outbox rows: claim what is due, deliver, record the outcome and the next try.

One retry chain per row, and it lives on the row (`next_attempt_at`, `attempts`,
`first_failed_at`, `last_error`): `outbox_flush_due` sends only rows that are due, so
however often it runs (beat every minute, a kick after each transaction that queued mail)
a row is attempted on its own schedule. Rows are claimed one at a time under
`SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent flushes never send the same row.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import selectors
from notifications.choices import MessageKind, MessageStatus
from notifications.models import OutboxIncident, OutboxMessage
from notifications.services._common import (
    FLUSH_BATCH,
    FLUSH_TIME_BUDGET,
    OUTBOX_STAFF_NOTICE_AFTER,
)
from notifications.services._rows import (
    error_text,
    row_claim,
    row_done,
    row_failed,
    row_requeue,
)
from notifications.services.alerts import staff_notices_queue
from notifications.services.kick import outbox_kick
from notifications.services.rendering import (
    _change_context,
    _render,
    _site_url,
)

logger = logging.getLogger(__name__)

# The server is not there (refused, timed out, hung up): the rest of a flush would only
# wait for the same timeout, so the flush stops and the next one tries again.
SERVER_DOWN_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def _render_alert(message: OutboxMessage) -> None:
    """Render an alert row's body from its snapshot (alerts are queued without one)."""
    from assessments.models import Assessment

    assessment = Assessment.objects.select_related("case", "previous", "reference_change").get(
        pk=message.assessment_id
    )
    recipient = message.recipient or get_user_model()(email=message.to_address)
    message.body_text, message.body_html = _render(
        "band_worsened", {**_change_context(assessment), "recipient": recipient}
    )


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


def _claim(rows, *, now: dt.datetime) -> OutboxMessage | None:
    """Take the first of `rows` that is due and not locked by another sender: -> sending."""

    def render(message: OutboxMessage) -> list[str]:
        if message.kind == MessageKind.ALERT and not message.body_text and message.assessment_id:
            _render_alert(message)
        return ["body_text", "body_html"]

    return row_claim(
        selectors.outbox_due(now=now).filter(pk__in=rows.values("pk")), now=now, prepare=render
    )


def _record_failure(message: OutboxMessage, exc: BaseException, *, now: dt.datetime) -> None:
    # A staff notice keeps trying (every few hours at most): it is the one e-mail about the
    # trouble, and it fails for the same reason as the rest.
    dead = row_failed(
        message, now=now, error=error_text(exc), may_die=message.kind != MessageKind.STAFF
    )
    log = logger.error if dead else logger.warning
    log(
        "Outbox message %s %s (attempt %s): %s",
        message.pk,
        "is dead after a day of failures" if dead else "failed",
        message.attempts,
        exc,
    )


def _send_claimed(message: OutboxMessage, *, now: dt.datetime) -> None:
    """Deliver a claimed row and record the outcome; re-raises a delivery error."""
    try:
        _deliver(message)
    except Exception as exc:
        _record_failure(message, exc, now=now)
        raise
    row_done(message, status=MessageStatus.SENT, sent_at=timezone.now())


@dataclass
class FlushResult:
    sent: int = 0
    failed: int = 0
    server_down: bool = False


def outbox_flush_due(*, now: dt.datetime | None = None, limit: int = FLUSH_BATCH) -> FlushResult:
    """Send the rows that are due, oldest due first; then open or close the incident.

    Stops early when the mail server is unreachable (each further row would wait for the
    same timeout), after `limit` rows, or once `FLUSH_TIME_BUDGET` has passed. `now` is the
    clock for the schedule (tests pass a simulated one).
    """
    now = now or timezone.now()
    result = FlushResult()
    started = time.monotonic()
    while result.sent + result.failed < limit:
        if time.monotonic() - started > FLUSH_TIME_BUDGET.total_seconds():
            break
        message = _claim(OutboxMessage.objects.all(), now=now)
        if message is None:
            break
        try:
            _send_claimed(message, now=now)
        except SERVER_DOWN_ERRORS:
            result.failed += 1
            result.server_down = True
            break
        except Exception:  # recorded on the row and logged; the others go on
            result.failed += 1
            continue
        result.sent += 1
    outbox_incident_update(now=now)
    return result


def outbox_message_send(*, message: OutboxMessage, now: dt.datetime | None = None) -> OutboxMessage:
    """Send this one row if it is due (pending, failed and due, or orphaned in sending).

    A row that is sent, dead, not yet due, or being sent by another worker is returned
    untouched. A delivery error is recorded on the row (failed or dead, next attempt) and
    re-raised.
    """
    now = now or timezone.now()
    claimed = _claim(OutboxMessage.objects.filter(pk=message.pk), now=now)
    if claimed is None:
        return OutboxMessage.objects.get(pk=message.pk)
    _send_claimed(claimed, now=now)
    claimed.refresh_from_db()
    return claimed


@transaction.atomic
def outbox_message_retry(*, message: OutboxMessage, actor: AbstractBaseUser) -> OutboxMessage:
    """Queue a failed or dead message for another attempt now (from the outbox page).

    A dead letter gets a fresh day of retries."""
    message = row_requeue(OutboxMessage, pk=message.pk, now=timezone.now(), noun="messages")
    logger.info("Outbox message %s retry requested by user %s", message.pk, actor.pk)
    outbox_kick()
    return message


# --- Telling staff


def outbox_incident_update(*, now: dt.datetime) -> OutboxIncident | None:
    """Open an incident when mail is failing, tell staff once, close it when all is well.

    Failing means: a row (other than a staff notice) is dead, or has been failing for
    `OUTBOX_STAFF_NOTICE_AFTER`. The staff notice goes to every active staff user once per
    incident; the page banner (context_processors.outbox_trouble) shows while it is open.
    """
    trouble = selectors.outbox_trouble(now=now, failing_for=OUTBOX_STAFF_NOTICE_AFTER)
    with transaction.atomic():
        incident = OutboxIncident.objects.select_for_update().filter(is_open=True).first()
        if not trouble.any:
            if incident is not None and not selectors.outbox_trouble(now=now).any:
                incident.is_open = False
                incident.ended_at = now
                incident.save(update_fields=["is_open", "ended_at"])
                logger.info("Outbox incident %s closed: mail is going out again", incident.pk)
            return None
        if incident is None:
            incident = OutboxIncident.objects.create(started_at=trouble.since or now)
            logger.error(
                "Outbox incident %s: %s failing, %s dead",
                incident.pk,
                trouble.failing,
                trouble.dead,
            )
        if incident.staff_notified_at is None:
            _staff_notice_queue(incident=incident, trouble=trouble)
            incident.staff_notified_at = now
            incident.save(update_fields=["staff_notified_at"])
    return incident


def _staff_notice_queue(*, incident: OutboxIncident, trouble: selectors.OutboxTrouble) -> None:
    staff_notices_queue(
        template="outbox_trouble",
        context={
            "incident": incident,
            "trouble": trouble,
            "outbox_url": _site_url(reverse("notifications:outbox")),
        },
        subject=f"[Lodestone] Outgoing mail is failing: {trouble.failing} failing, "
        f"{trouble.dead} dead",
        dedupe_key=f"outbox-incident:{incident.pk}",
        kind=MessageKind.STAFF,
    )

"""Notification services: render e-mail into outbox rows, send them, build daily digests.

Who hears about a band change, and how (each change reaches a person once):
- mode ``immediate``: a band that worsens to `min_band` or above is e-mailed at once
  (`band_worsened_notify`); every other band change on their cases (improvements, worsening
  below `min_band`) is in their next daily digest.
- mode ``digest``: every band change on their cases is in their next daily digest.
- mode ``off``: nothing.

Sending is at-least-once only where it cannot be otherwise: a worker that dies after the
SMTP server accepted a message but before the row says "sent" leaves it in ``sending``;
after `SENDING_LEASE` it is sent again (with the same Message-ID, so mail clients can fold
the duplicate). Everywhere else a row is claimed under a row lock and sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.method.choices import SEVERITY_RANK
from assessments.models import Assessment
from shipments.choices import BAND_RANK, Band
from shipments.models import Case

from . import selectors
from .choices import DeliveryMode, MessageKind, MessageStatus
from .models import DigestItem, NotificationPreference, OutboxMessage

logger = logging.getLogger(__name__)

# outbox_flush stops re-enqueueing a message after this many attempts; staff can still retry.
OUTBOX_MAX_ATTEMPTS = 8
# A pending or failed row untouched this long lost its task (or awaits its next try).
OUTBOX_RETRY_AFTER = dt.timedelta(minutes=1)
# Longer than outbox_send's hard time limit: a row still "sending" after this was orphaned.
SENDING_LEASE = dt.timedelta(minutes=10)
# The first digest covers the last day; a digest never reaches back further than a week.
DIGEST_FIRST_WINDOW = dt.timedelta(days=1)
DIGEST_MAX_LOOKBACK = dt.timedelta(days=7)
FLUSH_BATCH = 500


# --- Preferences


def preference_get(*, user: AbstractBaseUser) -> NotificationPreference:
    """The user's preference, created with the defaults (immediate, from medium) on first use."""
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def preference_update(
    *, user: AbstractBaseUser, mode: str, min_band: str
) -> NotificationPreference:
    preference_get(user=user)
    preference = NotificationPreference.objects.select_for_update().get(user=user)
    preference.mode = mode
    preference.min_band = min_band
    preference.full_clean()
    preference.save(update_fields=["mode", "min_band", "updated_at"])
    return preference


# --- Rendering helpers


@dataclass(frozen=True, slots=True)
class FactorChange:
    """A factor whose severity differs between two assessments."""

    factor: str
    label: str
    old_severity: str
    new_severity: str
    reason: str
    evidence: tuple[str, ...]
    next_steps: tuple[str, ...]

    @property
    def worsened(self) -> bool:
        return SEVERITY_RANK[self.new_severity] > SEVERITY_RANK[self.old_severity]


def factor_changes(previous_factors: list[dict], factors: list[dict]) -> list[FactorChange]:
    """The factors whose severity changed, worst new severity first.

    A factor missing on one side counts as severity "none" there; its reason then comes
    from the side that has it.
    """
    old = {item["factor"]: item for item in previous_factors or []}
    new = {item["factor"]: item for item in factors or []}
    names = [*new, *(name for name in old if name not in new)]
    changes = []
    for name in names:
        old_severity = old.get(name, {}).get("severity", "none")
        new_severity = new.get(name, {}).get("severity", "none")
        if old_severity == new_severity:
            continue
        source = new.get(name) or old[name]
        changes.append(
            FactorChange(
                factor=name,
                label=name.replace("_", " ").capitalize(),
                old_severity=old_severity,
                new_severity=new_severity,
                reason=source.get("reason", ""),
                evidence=tuple(
                    e.get("label", "") if isinstance(e, dict) else str(e)
                    for e in source.get("evidence") or ()
                ),
                next_steps=tuple(source.get("next_steps") or ()),
            )
        )
    changes.sort(key=lambda change: -SEVERITY_RANK.get(change.new_severity, 0))
    return changes


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def case_url(case: Case) -> str:
    # The case page lives in shipments (/cases/<pk>/); built by hand so mail does not depend
    # on that app's URL names.
    return _site_url(f"/cases/{case.pk}/")


def _band_label(band: str) -> str:
    return Band(band).label if band in Band.values else band


def _render(name: str, context: dict) -> tuple[str, str]:
    context = {
        **context,
        "site_url": settings.SITE_URL.rstrip("/"),
        "preferences_url": _site_url(reverse("notifications:preferences")),
    }
    return (
        render_to_string(f"emails/{name}.txt", context).strip() + "\n",
        render_to_string(f"emails/{name}.html", context),
    )


def _valid_address(user: AbstractBaseUser) -> str | None:
    address = (getattr(user, "email", "") or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        logger.warning("No usable e-mail address for user %s; nothing queued", user.pk)
        return None
    return address


def _change_context(assessment: Assessment) -> dict:
    previous = assessment.previous
    old_band = previous.band if previous else ""
    return {
        "assessment": assessment,
        "case": assessment.case,
        "case_url": case_url(assessment.case),
        "old_band": old_band,
        "old_band_label": _band_label(old_band) if old_band else "not assessed",
        "new_band": assessment.band,
        "new_band_label": _band_label(assessment.band),
        "worsened": bool(previous) and BAND_RANK[assessment.band] > BAND_RANK[old_band],
        "changes": factor_changes(previous.factors if previous else [], assessment.factors),
        "reference_change": assessment.reference_change,
    }


# --- Queueing


def _send_later(message_id: int) -> None:
    """Enqueue the send once the surrounding transaction commits.

    robust: a broker that is down must not fail the caller's request; the row is committed
    as pending and outbox_flush enqueues it again.
    """
    from .tasks import outbox_send  # the tasks module imports this one

    def enqueue_send() -> None:  # a named function: Django logs a robust hook's __qualname__
        outbox_send.delay(message_id)

    transaction.on_commit(enqueue_send, robust=True)


def _outbox_queue(*, dedupe_key: str, **fields) -> tuple[OutboxMessage, bool]:
    """Insert the message unless one with this key exists. Returns (message, created)."""
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    message = OutboxMessage(dedupe_key=dedupe_key, **fields)
    # Uniqueness is the database's job: two runs racing both pass a unique check here.
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key), False
    _send_later(message.pk)
    return message, True


def alert_dedupe_key(*, assessment: Assessment, user: AbstractBaseUser) -> str:
    return f"alert:{assessment.pk}:{user.pk}"


@transaction.atomic
def band_worsened_notify(*, assessment: Assessment) -> list[OutboxMessage]:
    """Alert the case's owner and watchers that its band worsened with this assessment.

    Immediate-mode users whose `min_band` the new band reaches get one e-mail each (queued
    in the outbox, sent on commit); digest-mode users get a digest item; nobody else gets
    anything now. Safe to call again for the same assessment: returns the same messages and
    queues nothing new. Returns [] when the band did not worsen.
    """
    previous = assessment.previous
    if previous is None or BAND_RANK[assessment.band] <= BAND_RANK[previous.band]:
        return []
    case = assessment.case
    context = _change_context(assessment)
    subject = (
        f"[Lodestone] {case.reference}: band worsened from "
        f"{context['old_band_label']} to {context['new_band_label']}"
    )
    messages: list[OutboxMessage] = []
    for user in selectors.case_recipients(case=case):
        preference = preference_get(user=user)
        if preference.mode == DeliveryMode.OFF:
            continue
        if preference.mode == DeliveryMode.DIGEST:
            DigestItem.objects.get_or_create(user=user, assessment=assessment)
            continue
        if BAND_RANK[assessment.band] < BAND_RANK[preference.min_band]:
            continue  # below the user's threshold: reported in their daily digest instead
        address = _valid_address(user)
        if address is None:
            continue
        body_text, body_html = _render("band_worsened", {**context, "recipient": user})
        message, _ = _outbox_queue(
            dedupe_key=alert_dedupe_key(assessment=assessment, user=user),
            recipient=user,
            to_address=address,
            kind=MessageKind.ALERT,
            subject=subject[:250],
            body_text=body_text,
            body_html=body_html,
            case=case,
            assessment=assessment,
        )
        messages.append(message)
    return messages


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


# --- Digests


def digest_build_and_queue(*, now: dt.datetime) -> list[OutboxMessage]:
    """Queue each user's daily digest of band changes on their cases since their last one.

    Per user, in its own transaction: record a digest item for every band change on a case
    they own or watch since their last digest (at most `DIGEST_MAX_LOOKBACK`) that did not
    reach them as an immediate alert, then render all their pending items into one digest
    message and mark the items as sent in it. Running it again queues nothing twice.
    """
    user_ids = selectors.digest_candidate_user_ids(since=now - DIGEST_MAX_LOOKBACK, until=now)
    messages = []
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        try:
            message = _digest_for_user(user=user, now=now)
        except Exception:
            # One user's bad data must not cost everyone else their digest; logged in full.
            logger.exception("Digest for user %s could not be built", user.pk)
            continue
        if message is not None:
            messages.append(message)
    return messages


@transaction.atomic
def _digest_for_user(*, user: AbstractBaseUser, now: dt.datetime) -> OutboxMessage | None:
    preference_get(user=user)
    preference = NotificationPreference.objects.select_for_update().get(user=user)
    since = max(preference.last_digest_at or now - DIGEST_FIRST_WINDOW, now - DIGEST_MAX_LOOKBACK)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at", "updated_at"])
    address = _valid_address(user)
    if preference.mode == DeliveryMode.OFF or address is None:
        return None

    changes = list(selectors.band_changes_for_user(user=user, since=since, until=now))
    alerted = set(
        OutboxMessage.objects.filter(
            kind=MessageKind.ALERT, recipient=user, assessment__in=changes
        ).values_list("assessment_id", flat=True)
    )
    for assessment in changes:
        if assessment.pk not in alerted:
            DigestItem.objects.get_or_create(user=user, assessment=assessment)

    items = list(selectors.digest_items_pending(user=user))
    if not items:
        return None
    entries = [_change_context(item.assessment) for item in items]
    count = len(entries)
    body_text, body_html = _render(
        "digest", {"recipient": user, "entries": entries, "since": since, "until": now}
    )
    message, created = _outbox_queue(
        dedupe_key=f"digest:{user.pk}:{now:%Y-%m-%d}:{items[0].pk}",
        recipient=user,
        to_address=address,
        kind=MessageKind.DIGEST,
        subject=f"[Lodestone] Daily digest: {count} band change{'s' if count != 1 else ''} "
        "on your cases",
        body_text=body_text,
        body_html=body_html,
    )
    DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_in=message)
    return message if created else None

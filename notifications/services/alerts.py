"""Queueing e-mail: outbox rows (one per dedupe key) and band-worsened alerts."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from assessments.models import Assessment
from notifications import selectors
from notifications.choices import DeliveryMode, MessageKind
from notifications.models import DigestItem, OutboxMessage
from notifications.services.preferences import preference_get
from notifications.services.rendering import _change_context, _render, _valid_address
from shipments.choices import BAND_RANK

# --- Queueing


def _send_later(message_id: int) -> None:
    """Enqueue the send once the surrounding transaction commits.

    robust: a broker that is down must not fail the caller's request; the row is committed
    as pending and outbox_flush enqueues it again.
    """
    from notifications.tasks import outbox_send  # the tasks module imports this one

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

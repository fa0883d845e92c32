"""The daily digest of band changes on each person's cases."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from notifications import selectors
from notifications.choices import DeliveryMode, MessageKind
from notifications.models import (
    DigestItem,
    DocumentReminder,
    NotificationPreference,
    OutboxMessage,
)
from notifications.services._common import DIGEST_FIRST_WINDOW, DIGEST_MAX_LOOKBACK
from notifications.services.alerts import _outbox_queue
from notifications.services.preferences import preference_get
from notifications.services.reminders import reminder_context, reminders_pending
from notifications.services.rendering import _change_context, _render, _valid_address

logger = logging.getLogger(__name__)


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
    if address is None:
        return None

    items = []
    # Band changes follow `mode`; document expiry reminders their own preference (they
    # wait here only in digest mode), so a user with band mail off still gets them.
    if preference.mode != DeliveryMode.OFF:
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
    reminders = reminders_pending(user=user)
    if not items and not reminders:
        return None
    entries = [_change_context(item.assessment) for item in items]
    today = now.date()
    body_text, body_html = _render(
        "digest",
        {
            "recipient": user,
            "entries": entries,
            "reminders": [reminder_context(r, today=today) for r in reminders],
            "since": since,
            "until": now,
        },
    )
    parts = []
    if entries:
        parts.append(f"{len(entries)} band change{'s' if len(entries) != 1 else ''}")
    if reminders:
        parts.append(f"{len(reminders)} document{'s' if len(reminders) != 1 else ''} expiring")
    first = f"i{items[0].pk}" if items else f"r{reminders[0].pk}"
    message, created = _outbox_queue(
        dedupe_key=f"digest:{user.pk}:{now:%Y-%m-%d}:{first}",
        recipient=user,
        to_address=address,
        kind=MessageKind.DIGEST,
        subject=f"[Lodestone] Daily digest: {' and '.join(parts)} on your cases",
        body_text=body_text,
        body_html=body_html,
    )
    DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_in=message)
    DocumentReminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_in=message)
    return message if created else None

"""Queueing e-mail: outbox rows (one per dedupe key) and band-worsened alerts.

Transactional outbox. Alert rows are written in the caller's transaction, the one that
writes the snapshots (`assessments_rescore_batch`, `assessment_run`): the snapshots and
their alerts commit together or not at all, so a worker that dies between the two cannot
lose an alert. The rows are cheap (recipient, subject, links); the body is rendered when
the row is first sent (outbox.py). Sending is a separate step, started by one kick per
transaction (kick.py) and by beat's flush.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from assessments.models import Assessment
from assessments.ports import Worsened
from method.choices import BAND_RANK, band_worsened
from notifications.choices import DeliveryMode, MessageKind
from notifications.models import DigestItem, NotificationPreference, OutboxMessage
from notifications.services.kick import outbox_kick
from notifications.services.rendering import _band_label, _render, _valid_address
from shipments.models import Case

logger = logging.getLogger(__name__)

# --- Queueing


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
    outbox_kick()
    return message, True


def staff_notices_queue(
    *, template: str, context: dict, subject: str, dedupe_key: str, kind: str
) -> int:
    """One e-mail to each active staff user with an address: `template` rendered with
    `context` and the recipient; `dedupe_key` plus the user's id keeps it to once each.
    Returns the rows queued now."""
    staff = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk")
    queued = addressed = 0
    for user in staff:
        address = _valid_address(user)
        if address is None:
            continue
        addressed += 1
        body_text, body_html = _render(template, {**context, "recipient": user})
        _, created = _outbox_queue(
            dedupe_key=f"{dedupe_key}:{user.pk}",
            recipient=user,
            to_address=address,
            kind=kind,
            subject=subject[:250],
            body_text=body_text,
            body_html=body_html,
        )
        queued += created
    if not addressed:
        logger.error("No active staff user with an address to tell: %s", subject)
    return queued


def alert_dedupe_key(*, assessment: Assessment, user: AbstractBaseUser) -> str:
    return alert_dedupe_key_for(assessment_id=assessment.pk, user_id=user.pk)


def alert_dedupe_key_for(*, assessment_id: int, user_id: int) -> str:
    return f"alert:{assessment_id}:{user_id}"


def alert_subject(*, reference: str, old_band: str, new_band: str) -> str:
    return (
        f"[Lodestone] {reference}: band worsened from "
        f"{_band_label(old_band)} to {_band_label(new_band)}"
    )[:250]


def band_worsened_queue(*, worsened: Sequence[Worsened]) -> int:
    """Write the alert rows for these worsened snapshots in the caller's transaction.

    Per case, its owner and watchers (active, once each): immediate-mode users whose
    `min_band` the new band reaches get an outbox row (rendered at send time), digest-mode
    users a digest item, everyone else nothing now. A constant number of queries whatever
    the count; rows that exist already (same dedupe key / user and assessment) are kept,
    so calling it again queues nothing twice. Returns the number of outbox rows queued.
    """
    worsened = [w for w in worsened if band_worsened(w.old_band, w.new_band)]
    if not worsened:
        return 0
    case_ids = {w.case_id for w in worsened}
    cases = {
        pk: (reference, owner_id)
        for pk, reference, owner_id in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "reference", "owner_id"
        )
    }
    watchers: dict[int, list[int]] = {}
    for case_id, user_id in (
        Case.watchers.through.objects.filter(case_id__in=case_ids)
        .order_by("user_id")
        .values_list("case_id", "user_id")
    ):
        watchers.setdefault(case_id, []).append(user_id)
    user_ids = {owner for _, owner in cases.values()} | {u for us in watchers.values() for u in us}
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .only("pk", "email")
    }
    preferences = {
        user_id: (mode, min_band)
        for user_id, mode, min_band in NotificationPreference.objects.filter(
            user_id__in=users
        ).values_list("user_id", "mode", "min_band")
    }
    defaults = (
        NotificationPreference._meta.get_field("mode").default,
        NotificationPreference._meta.get_field("min_band").default,
    )
    addresses: dict[int, str | None] = {}
    messages: list[OutboxMessage] = []
    items: list[DigestItem] = []
    for w in worsened:
        reference, owner_id = cases[w.case_id]
        subject = alert_subject(reference=reference, old_band=w.old_band, new_band=w.new_band)
        for user_id in _once([owner_id, *watchers.get(w.case_id, ())]):
            user = users.get(user_id)
            if user is None:
                continue
            mode, min_band = preferences.get(user_id, defaults)
            if mode == DeliveryMode.OFF:
                continue
            if mode == DeliveryMode.DIGEST:
                items.append(DigestItem(user_id=user_id, assessment_id=w.assessment_id))
                continue
            if BAND_RANK[w.new_band] < BAND_RANK[min_band]:
                continue  # below the user's threshold: reported in their daily digest instead
            if user_id not in addresses:
                addresses[user_id] = _valid_address(user)
            if addresses[user_id] is None:
                continue
            messages.append(
                OutboxMessage(
                    dedupe_key=alert_dedupe_key_for(assessment_id=w.assessment_id, user_id=user_id),
                    recipient_id=user_id,
                    to_address=addresses[user_id],
                    kind=MessageKind.ALERT,
                    subject=subject,
                    case_id=w.case_id,
                    assessment_id=w.assessment_id,
                )
            )
    if items:
        DigestItem.objects.bulk_create(items, ignore_conflicts=True)
    existing = set(
        OutboxMessage.objects.filter(dedupe_key__in=[m.dedupe_key for m in messages]).values_list(
            "dedupe_key", flat=True
        )
    )
    messages = [m for m in messages if m.dedupe_key not in existing]
    if messages:
        # A concurrent run may insert the same key first: the database keeps one.
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        outbox_kick()
    return len(messages)


def _once(ids: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


@transaction.atomic
def band_worsened_notify(*, assessment: Assessment) -> list[OutboxMessage]:
    """Alert the case's owner and watchers that its band worsened with this assessment.

    One snapshot's `band_worsened_queue`, returning its alert rows (the existing ones when
    called again). Returns [] when the band did not worsen.
    """
    previous = assessment.previous
    if previous is None or not band_worsened(previous.band, assessment.band):
        return []
    band_worsened_queue(
        worsened=[
            Worsened(
                assessment_id=assessment.pk,
                case_id=assessment.case_id,
                old_band=previous.band,
                new_band=assessment.band,
            )
        ]
    )
    return list(
        OutboxMessage.objects.filter(assessment=assessment, kind=MessageKind.ALERT).order_by("pk")
    )

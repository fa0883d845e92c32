"""Document expiry reminders: a document of a case still being worked that expires within
`REMINDER_WINDOW` is told to the case's owner once (per document and expiry date), at once
or in their daily digest as their preference says (`document_reminders`, digest by default).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from notifications.choices import DeliveryMode, MessageKind
from notifications.models import DocumentReminder, NotificationPreference
from notifications.services.alerts import _outbox_queue
from notifications.services.rendering import _render, _valid_address, case_url
from shipments.choices import CaseStatus
from shipments.models import Document

logger = logging.getLogger(__name__)

REMINDER_WINDOW = dt.timedelta(days=30)
# Cases still being worked: a cleared or closed case's documents have done their job.
REMINDED_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)


def documents_expiring(*, today: dt.date):
    """Documents of working cases that expire from today to `REMINDER_WINDOW` ahead and have
    no reminder for that expiry date yet."""
    reminded = DocumentReminder.objects.filter(
        document=OuterRef("pk"), expires_on=OuterRef("expires_on")
    )
    return (
        Document.objects.filter(
            case__status__in=REMINDED_STATUSES,
            expires_on__gte=today,
            expires_on__lte=today + REMINDER_WINDOW,
        )
        .exclude(Exists(reminded))
        .select_related("case", "case__owner")
        .order_by("expires_on", "pk")
    )


def reminder_context(reminder: DocumentReminder, *, today: dt.date) -> dict:
    document = reminder.document
    return {
        "document": document,
        "label": document.get_doc_type_display(),
        "case": document.case,
        "case_url": case_url(document.case),
        "expires_on": reminder.expires_on,
        "days_left": (reminder.expires_on - today).days,
    }


def document_expiry_reminders_queue(*, today: dt.date) -> int:
    """Record one reminder per expiring document and expiry date: e-mailed now (immediate),
    left for the owner's digest (digest), or recorded as not sent (off). Running it again,
    the same day or later, reminds nobody twice. Returns the reminders recorded."""
    count = 0
    for document in documents_expiring(today=today):
        try:
            if _remind(document=document, today=today):
                count += 1
        except Exception:
            # One bad row must not cost the other owners their reminders; logged in full.
            logger.exception("Expiry reminder for document %s failed", document.pk)
    return count


@transaction.atomic
def _remind(*, document: Document, today: dt.date) -> bool:
    owner = document.case.owner
    preference, _ = NotificationPreference.objects.get_or_create(user=owner)
    mode = preference.document_reminders
    address = _valid_address(owner) if owner.is_active else None
    if address is None:
        mode = DeliveryMode.OFF
    reminder = DocumentReminder(
        document=document, expires_on=document.expires_on, user=owner, mode=mode
    )
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:
        return False  # a concurrent run recorded it first
    if mode == DeliveryMode.IMMEDIATE:
        context = {"recipient": owner, "reminders": [reminder_context(reminder, today=today)]}
        body_text, body_html = _render("document_expiry", context)
        message, _ = _outbox_queue(
            dedupe_key=f"docexpiry:{document.pk}:{document.expires_on.isoformat()}",
            recipient=owner,
            to_address=address,
            kind=MessageKind.REMINDER,
            subject=(
                f"[Lodestone] {document.case.reference}: {document.get_doc_type_display()} "
                f"expires on {document.expires_on.isoformat()}"
            )[:250],
            body_text=body_text,
            body_html=body_html,
            case=document.case,
        )
        reminder.sent_in = message
        reminder.save(update_fields=["sent_in"])
    return True


def reminders_pending(*, user: AbstractBaseUser) -> list[DocumentReminder]:
    return list(
        DocumentReminder.objects.filter(
            user=user, mode=DeliveryMode.DIGEST, sent_in__isnull=True
        ).select_related("document", "document__case")
    )

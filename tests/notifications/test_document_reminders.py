"""Document expiry reminders: one per document and expiry date, to the case owner, in the
digest by default."""

import datetime as dt

import pytest

from notifications.choices import DeliveryMode, MessageKind
from notifications.models import DocumentReminder, NotificationPreference, OutboxMessage
from notifications.services import digest_build_and_queue, document_expiry_reminders_queue
from notifications.tasks import document_expiry_remind
from shipments.models import Document
from tests.notifications.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def _document(case, expires_on, doc_type="end_user_certificate"):
    return Document.objects.create(
        case=case, doc_type=doc_type, expires_on=expires_on, uploaded_by=case.owner
    )


def test_an_expiring_document_is_in_the_owners_next_digest_once():
    owner = UserFactory(username="olga")
    case = CaseFactory(reference="SHP-EXP-1", owner=owner)
    soon = _document(case, TODAY + dt.timedelta(days=20))
    _document(case, TODAY + dt.timedelta(days=45))  # not yet
    _document(case, TODAY - dt.timedelta(days=1))  # already expired: not "expiring"
    assert document_expiry_reminders_queue(today=TODAY) == 1
    assert document_expiry_reminders_queue(today=TODAY) == 0  # the same day
    assert document_expiry_reminders_queue(today=TODAY + dt.timedelta(days=1)) == 0  # next
    (reminder,) = DocumentReminder.objects.all()
    assert (reminder.document, reminder.user, reminder.mode) == (soon, owner, "digest")

    now = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)
    (digest,) = digest_build_and_queue(now=now)
    assert "SHP-EXP-1" in digest.body_text
    assert "expires on 2026-12-21" in digest.body_text
    assert digest_build_and_queue(now=now + dt.timedelta(days=1)) == []
    reminder.refresh_from_db()
    assert reminder.sent_in == digest


def test_an_owner_who_chose_immediate_reminders_gets_one_email(django_capture_on_commit_callbacks):
    owner = UserFactory(username="ivan")
    NotificationPreference.objects.create(user=owner, document_reminders=DeliveryMode.IMMEDIATE)
    case = CaseFactory(reference="SHP-EXP-2", owner=owner)
    _document(case, TODAY + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks():
        document_expiry_reminders_queue(today=TODAY)
        document_expiry_reminders_queue(today=TODAY + dt.timedelta(days=1))
    (message,) = OutboxMessage.objects.filter(kind=MessageKind.REMINDER)
    assert message.recipient == owner
    assert "SHP-EXP-2" in message.subject


def test_a_renewed_document_is_reminded_again_for_its_new_date():
    case = CaseFactory(reference="SHP-EXP-3", owner=UserFactory(username="rita"))
    document = _document(case, TODAY + dt.timedelta(days=10))
    document_expiry_reminders_queue(today=TODAY)
    document.expires_on = TODAY + dt.timedelta(days=25)
    document.save()
    assert document_expiry_reminders_queue(today=TODAY + dt.timedelta(days=11)) == 1


def test_a_closed_cases_documents_are_not_reminded():
    case = CaseFactory(reference="SHP-EXP-4", owner=UserFactory(username="cleo"), status="closed")
    _document(case, TODAY + dt.timedelta(days=5))
    assert document_expiry_reminders_queue(today=TODAY) == 0


def test_the_task_runs_the_service(monkeypatch):
    from notifications import tasks

    seen = []
    monkeypatch.setattr(tasks, "document_expiry_reminders_queue", lambda today: seen.append(today))
    document_expiry_remind()
    assert len(seen) == 1

"""Sending from the outbox: an SMTP outage leaves a record, and recovery sends exactly once."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.choices import MessageStatus
from notifications.models import OutboxMessage
from notifications.services import (
    OUTBOX_MAX_ATTEMPTS,
    band_worsened_notify,
    outbox_message_send,
)
from notifications.tasks import outbox_flush, outbox_send
from tests.notifications.factories import CaseFactory, UserFactory, worsened_pair

pytestmark = pytest.mark.django_db


def backdate(message: OutboxMessage, minutes: int = 2) -> None:
    earlier = timezone.now() - dt.timedelta(minutes=minutes)
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=earlier, last_attempt_at=earlier)


@pytest.fixture
def flush(django_capture_on_commit_callbacks):
    """Run outbox_flush as beat would; the sends it enqueues run (eagerly) on commit."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_flush()

    return run


@pytest.fixture
def alert(django_capture_on_commit_callbacks):
    """One queued alert for one owner; its send task runs on commit."""
    case = CaseFactory(owner=UserFactory(username="olga"))
    _, assessment = worsened_pair(case=case)

    def queue():
        with django_capture_on_commit_callbacks(execute=True):
            [message] = band_worsened_notify(assessment=assessment)
        return message

    return queue


@pytest.mark.smtp
def test_smtp_down_leaves_a_failed_row_and_flush_sends_it_once_the_server_is_up(
    smtp_down, alert, flush
):
    message = alert()  # the send task runs on commit and meets a closed port

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert "Connection refused" in message.last_error
    assert message.sent_at is None

    smtp_down.start()
    assert flush() == 0  # too recent: its own retry is still due
    backdate(message)
    assert flush() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert message.sent_at is not None
    assert len(smtp_down.messages) == 1

    backdate(message)
    assert flush() == 0
    outbox_send(message.pk)
    outbox_message_send(message=message)
    assert len(smtp_down.messages) == 1


@pytest.mark.smtp
def test_send_service_records_the_error_and_reraises_for_the_task_to_retry(smtp_down, alert):
    smtp_down.stop()
    message = alert()
    with pytest.raises(ConnectionRefusedError):
        outbox_message_send(message=message)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)

    smtp_down.start()
    outbox_message_send(message=message)
    outbox_message_send(message=message)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert len(smtp_down.messages) == 1


def test_flush_re_enqueues_a_pending_message_whose_task_was_lost(mailoutbox, flush):
    case = CaseFactory(owner=UserFactory(username="lost"))
    _, assessment = worsened_pair(case=case)
    [message] = band_worsened_notify(assessment=assessment)  # on-commit enqueue never runs
    assert message.status == MessageStatus.PENDING
    assert flush() == 0

    backdate(message)
    assert flush() == 1

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mailoutbox) == 1


def test_flush_gives_up_at_the_attempt_cap(mailoutbox, flush):
    case = CaseFactory(owner=UserFactory(username="capped"))
    _, assessment = worsened_pair(case=case)
    [message] = band_worsened_notify(assessment=assessment)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=OUTBOX_MAX_ATTEMPTS, last_error="boom"
    )
    backdate(message)

    assert flush() == 0
    assert mailoutbox == []


def test_a_message_being_sent_by_another_worker_is_left_alone(mailoutbox, flush):
    case = CaseFactory(owner=UserFactory(username="busy"))
    _, assessment = worsened_pair(case=case)
    [message] = band_worsened_notify(assessment=assessment)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=1, last_attempt_at=timezone.now()
    )

    outbox_message_send(message=message)
    assert mailoutbox == []

    # Orphaned: its worker died long ago, so the flush reclaims and sends it.
    backdate(message, minutes=30)
    assert flush() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert len(mailoutbox) == 1

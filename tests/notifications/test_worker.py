"""End to end with a real Celery worker consuming from Redis and a real SMTP server."""

import time

import pytest

from notifications.choices import MessageStatus
from notifications.models import OutboxMessage
from notifications.services import band_worsened_notify
from tests.notifications.factories import CaseFactory, UserFactory, worsened_pair


@pytest.mark.worker
@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_committed_alert_is_sent_by_the_worker_exactly_once(celery_worker, smtp_server):
    owner = UserFactory(username="olga")
    _, assessment = worsened_pair(case=CaseFactory(reference="SHP-2026-0900", owner=owner))

    [message] = band_worsened_notify(assessment=assessment)  # commits, then enqueues

    deadline = time.monotonic() + 15
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a duplicate would arrive now
    assert len(smtp_server.messages) == 1
    assert "SHP-2026-0900" in smtp_server.messages[0]["Subject"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert OutboxMessage.objects.count() == 1

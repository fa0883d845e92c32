"""End to end with a real Celery worker consuming from Redis and a real SMTP server."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from config.celery_app import app
from notifications.choices import MessageStatus
from notifications.models import OutboxMessage
from notifications.services import band_worsened_notify
from tests.conftest import require_service
from tests.notifications.factories import CaseFactory, UserFactory, worsened_pair

BROKER = "redis://127.0.0.1:6379/13"


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_worker():
    require_service(redis_up(), "Redis at 127.0.0.1:6379")
    redis.Redis.from_url(BROKER).flushdb()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _drop_connection_pools()  # built earlier for the default (empty) broker URL
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _drop_connection_pools()


def _drop_connection_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


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

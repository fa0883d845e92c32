"""Shared fixtures for the assessment tests: the reference world and a real Celery worker."""

import os
import socket
from urllib.parse import urlparse

import pytest

from tests.assessments.factories import world_create
from tests.conftest import require_service

DEFAULT_BROKER = "redis://127.0.0.1:6379/12"


@pytest.fixture
def world(db):
    return world_create()


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def celery_worker(transactional_db):
    """A solo worker in a thread consuming from Redis; it sees what the test committed."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    require_service(url.startswith("redis") and _redis_reachable(url), "Redis")
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    # Messages left over from an earlier, interrupted run would be processed against
    # this test's data.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved

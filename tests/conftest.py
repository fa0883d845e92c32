"""Fixtures every test can use: one user per role, logged-in clients, and service checks.

A test that needs a real service (Redis, SMTP port, Chromium) calls `require_service`: in CI
(CI=true) a missing service fails the test; on a developer's machine it skips with a reason.
"""

import contextlib
import os
import socket
from urllib.parse import urlparse

import kombu.pools
import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from accounts.roles import OFFICER, ROLES, STAFF, VIEWER, sync_role_groups

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI and is not available")
    pytest.skip(f"{what} is not available on this machine")


def ensure_role_groups() -> None:
    """The role groups come from a data migration; a transactional test's flush removes
    them, so put them back (with the live permissions) when they are missing."""
    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_role_groups(django_apps, create_missing_permissions=False)


def make_user(django_user_model, username: str, role: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password="pw-" + username,
        email=f"{username}@example.test",
        first_name=username.capitalize(),
        **extra,
    )
    if role:
        ensure_role_groups()
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff_user(db, django_user_model):
    return make_user(django_user_model, "stella", STAFF, is_staff=True)


@pytest.fixture
def officer(db, django_user_model):
    return make_user(django_user_model, "olga", OFFICER)


@pytest.fixture
def second_officer(db, django_user_model):
    return make_user(django_user_model, "oscar", OFFICER)


@pytest.fixture
def viewer(db, django_user_model):
    return make_user(django_user_model, "victor", VIEWER)


@pytest.fixture
def no_role_user(db, django_user_model):
    return make_user(django_user_model, "nobody", None)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def cache_reset() -> None:
    """Forget every throttle count in the shared cache, and nothing else: on Redis the cache
    may share its database with the broker, so delete this cache's keys, never FLUSHDB."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts in Redis outlive a test (the database cache's rows roll back with it)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError as RedisDown

    if isinstance(caches["default"], RedisCache):
        # No Redis here: the tests that need it say so through require_service.
        with contextlib.suppress(RedisDown):
            cache_reset()


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _reset_broker_pools(app) -> None:
    """Forget every broker connection and producer pool, so the next publish connects to
    the broker URL now configured (and never to a pool an earlier worker closed)."""
    kombu.pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (solo pool, in a thread) consuming from Redis.

    It sees only what the test committed, hence transactional_db. The broker is
    CELERY_BROKER_URL (CI: Redis db 15).
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    require_service(url.startswith("redis") and _redis_reachable(url), f"Redis at {url}")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _reset_broker_pools(app)
    app.conf.update(broker_url=url, task_always_eager=False)
    # Messages left over from an interrupted run would be processed against this test's data.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(saved)
        _reset_broker_pools(app)

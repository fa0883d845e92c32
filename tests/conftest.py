"""Fixtures every test can use: one user per role, logged-in clients, and service checks.

A test that needs a real service (Redis, SMTP port, Chromium) calls `require_service`: in CI
(CI=true) a missing service fails the test; on a developer's machine it skips with a reason.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import kombu.pools
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

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
    with broker_at(app, url):
        purge_queues(app)
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=30,
            queues=list(settings.LODESTONE_QUEUES),
        ):
            yield app


def purge_queues(app) -> None:
    """Messages left over from an interrupted run would be processed against this test's
    data: empty every queue Lodestone routes to."""
    with app.connection_for_write() as conn:
        for queue in settings.LODESTONE_QUEUES:
            conn.default_channel.queue_purge(queue)


@contextlib.contextmanager
def broker_at(app, url: str):
    """Publish to `url` (not eagerly) inside the block; put the app back afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _reset_broker_pools(app)
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_broker_pools(app)


def broker_url_for_tests() -> str:
    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    require_service(url.startswith("redis") and _redis_reachable(url), f"Redis at {url}")
    return url


def database_url_for_workers() -> str:
    """The test database as a URL, for a worker process to use."""
    db = connection.settings_dict
    require_service(db["ENGINE"].endswith("postgresql"), "PostgreSQL (worker processes)")
    auth = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery -A config worker` as its own process, which a test can SIGKILL.

    It uses the test database and the test broker, publishes for real (not eagerly) and
    consumes `queues`; `env` adds settings (e.g. a short re-score lease).
    """

    def __init__(self, *, queues, log_dir: Path, name: str, env: dict | None = None):
        self.queues = list(queues)
        self.name = name
        self.log = log_dir / f"worker-{name}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_for_workers(),
            "CELERY_BROKER_URL": broker_url_for_tests(),
            "LODESTONE_TEST_TASKS_EAGER": "false",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, beat: bool = False, timeout: float = 30) -> None:
        self.starts += 1
        args = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
            "-Q", ",".join(self.queues), "-n", f"{self.name}-{self.starts}@%h", "-l", "info",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if beat:
            args += ["-B", "-s", str(self.log.with_suffix(f".beat{self.starts}"))]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                args, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited at start:\n{self.log.read_text()[-3000:]}")
            if self.log.read_text().count(" ready.") >= self.starts:
                return
            time.sleep(0.2)
        raise AssertionError(f"worker not ready in {timeout} s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, no cleanup (a crash, an OOM kill)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def worker_processes(transactional_db, tmp_path):
    """Start real worker processes with `start_worker_process(...)`; all stop at teardown."""
    from config.celery_app import app

    started: list[WorkerProcess] = []
    url = broker_url_for_tests()

    def start_worker_process(*, queues=None, name="w", env=None, beat=False) -> WorkerProcess:
        worker = WorkerProcess(
            queues=queues or settings.LODESTONE_QUEUES, log_dir=tmp_path, name=name, env=env
        )
        started.append(worker)
        worker.start(beat=beat)
        return worker

    with broker_at(app, url):
        purge_queues(app)
        try:
            yield start_worker_process
        finally:
            for worker in started:
                worker.stop()
            purge_queues(app)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the block's on-commit callbacks as its commit would, then
    forgets them, as a real commit does (a test's transaction never commits, so Django's
    capture leaves them registered, and a later transaction would see them as its own).
    `committed(execute=False)`: the block committed and its callbacks were lost."""

    @contextlib.contextmanager
    def run(*, execute: bool = True):
        start = len(connection.run_on_commit)
        with django_capture_on_commit_callbacks(execute=execute) as callbacks:
            yield callbacks
        del connection.run_on_commit[start:]

    return run

"""Re-scoring recovers from a killed worker, a broker outage and a hung mail server (issue 10,
points 4, 5 and 16), with real worker processes started, killed and restarted by the test."""

import datetime as dt
import socket
import threading
import time

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import F

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.services import assessments_rescore_batch
from config.celery_app import app
from method.choices import BAND_RANK
from notifications.choices import MessageKind
from notifications.models import OutboxMessage
from notifications.services import band_worsened_notify
from registry.models import ApprovedListVersion, ReferenceChange
from registry.services import approved_list_publish, reference_change_record
from registry.services.keys import ChangeKeys
from tests.assessments.factories import case_create, world_create
from tests.conftest import broker_at, database_url_for_workers
from tests.notifications.factories import CaseFactory, UserFactory, worsened_pair

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Short leases and a watchdog every second, so recovery is seconds in the test; production
# defaults (90 s lease, 60 s watchdog) make it a couple of minutes.
FAST = {
    "LODESTONE_RESCORE_LEASE_SECONDS": "5",
    "LODESTONE_RESCORE_PENDING_AFTER": "2",
    "LODESTONE_WATCHDOG_INTERVAL": "1",
    "LODESTONE_RESCORE_CHUNK_SIZE": "10",
}


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def _status(change: ReferenceChange) -> str:
    change.refresh_from_db()
    return change.status


def _producer_removed(world) -> ReferenceChange:
    version = ApprovedListVersion.objects.create(
        label="2026 list", effective_from=dt.date(2026, 1, 1)
    )
    version.entries.create(producer=world.northern_plant, status="approved")
    version.entries.create(producer=world.creg_plant, status="removed")
    with transaction.atomic():
        return approved_list_publish(version=version)  # enqueues the re-score on commit


def test_a_worker_killed_mid_rescore_is_recovered_by_the_watchdog_and_no_alert_is_lost(
    worker_processes, officer
):
    # Issue 10 points 4 and 5: the killed worker's task waited for the 3600 s visibility
    # timeout, and the alerts of a chunk whose on-commit hook had not run were lost for good.
    w = world_create()
    cases = [case_create(officer, producer=w.creg_plant) for _ in range(40)]
    assessments_rescore_batch(case_ids=[c.pk for c in cases], trigger=Trigger.CREATED)
    first = worker_processes(queues=["rescore"], name="first", env=FAST)

    # Hold inserts into the outbox from outside, so the worker is stopped mid re-score just
    # where alerts are written; then kill it there.
    url = database_url_for_workers().replace("postgres://", "postgresql://")
    with psycopg.connect(url) as lock:
        lock.execute("LOCK TABLE notifications_outboxmessage IN SHARE ROW EXCLUSIVE MODE")
        change = _producer_removed(w)
        _wait(
            lambda: _waiting_on_the_outbox(),
            20,
            "the worker reaching the alerts of its first chunk",
        )
        first.kill()
        killed_at = time.monotonic()
        lock.rollback()

    assert _status(change) == "running"
    worker_processes(name="second", env=FAST, beat=True)  # every queue, and beat
    _wait(lambda: _status(change) == "done", 60, "recovery of the killed re-score")
    recovery = time.monotonic() - killed_at

    worsened = [
        a
        for a in Assessment.objects.filter(reference_change=change).select_related("previous")
        if BAND_RANK[a.band] > BAND_RANK[a.previous.band]
    ]
    alerts = OutboxMessage.objects.filter(
        kind=MessageKind.ALERT, assessment__reference_change=change
    )
    assert len(worsened) == 40
    assert alerts.count() == len(worsened)  # one alert (the owner's) per worsened band
    assert change.attempts == 2
    assert change.done_count == change.affected_count == 40
    assert Assessment.objects.filter(reference_change=change).count() == 40  # none twice
    assert recovery < 30, f"recovered {recovery:.1f} s after the kill"


def _waiting_on_the_outbox() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted "
            "AND relation = 'notifications_outboxmessage'::regclass"
        )
        return cursor.fetchone()[0] > 0


def test_a_change_recorded_while_the_broker_is_down_is_enqueued_by_the_watchdog(
    worker_processes, officer
):
    # Issue 10 point 4: it stayed pending until the hourly sweep found it an hour old.
    w = world_create()
    case = case_create(officer, producer=w.creg_plant)
    assessments_rescore_batch(case_ids=[case.pk], trigger=Trigger.CREATED)
    with broker_at(app, "redis://127.0.0.1:1/4"):  # nothing listens there
        started = time.monotonic()
        change = _producer_removed(w)
        took = time.monotonic() - started
    assert took < 1.5
    assert _status(change) == "pending"

    worker_processes(name="after-outage", env=FAST, beat=True)  # the broker is back
    _wait(lambda: _status(change) == "done", 30, "the pending change being re-scored")
    case.refresh_from_db()
    assert case.latest_assessment.reference_change_id == change.pk


@pytest.fixture
def hung_smtp():
    """An SMTP port that accepts connections and never sends its greeting."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_hung_mail_server_does_not_hold_up_rescoring(worker_processes, officer, hung_smtp):
    # Issue 10 point 16: mail and re-scores shared one queue; a change waited 87 s behind
    # 20 alerts, each holding the worker for the SMTP timeout.
    mail_env = {
        "LODESTONE_TEST_LOCMEM_EMAIL": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{hung_smtp}",
        "EMAIL_TIMEOUT": "5",
    }
    worker_processes(queues=["mail"], name="mail", env=mail_env)
    worker_processes(queues=["rescore", "default"], name="rescore", env=mail_env)
    for i in range(20):  # 20 transactions, 20 kicks: the mail worker is busy for minutes
        _, worse = worsened_pair(case=CaseFactory(owner=UserFactory(username=f"mailee{i}")))
        band_worsened_notify(assessment=worse)
    _wait(
        lambda: OutboxMessage.objects.filter(status__in=["sending", "failed"]).exists(),
        15,
        "the mail worker meeting the hung server",
    )

    w = world_create()
    case = case_create(officer, producer=w.creg_plant)
    assessments_rescore_batch(case_ids=[case.pk], trigger=Trigger.CREATED)
    started = time.monotonic()
    with transaction.atomic():
        change = reference_change_record(
            kind="producer",
            summary="CREG plant suspended",
            keys=ChangeKeys.of(producer_ids=[w.creg_plant.pk]),
        )
    _wait(lambda: _status(change) == "done", 20, "the re-score beside a hung mail server")
    assert time.monotonic() - started < 10
    assert OutboxMessage.objects.exclude(status="sent").filter(attempts__gte=0).exists()
    assert not OutboxMessage.objects.filter(status="sent").exists()
    assert ReferenceChange.objects.filter(pk=change.pk, done_count=F("affected_count")).exists()

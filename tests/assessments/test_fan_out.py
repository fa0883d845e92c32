"""One reference change spread over every worker (issue 16): two real worker processes on
Redis both take chunks of one change, every affected case is re-scored exactly once and the
change is marked done once; a worker killed with SIGKILL mid-chunk loses nothing and
duplicates nothing."""

import datetime as dt
from collections import Counter

import psycopg
import pytest
from django.db import connection, transaction

from assessments.choices import Trigger
from assessments.models import Assessment, RescoreChunk
from assessments.services import assessments_rescore_batch
from notifications.choices import MessageKind
from notifications.models import OutboxMessage
from registry.models import ApprovedListVersion, ReferenceChange
from registry.services import approved_list_publish
from tests.assessments.factories import case_create, world_create
from tests.assessments.test_recovery import FAST, _wait, _waiting_on_the_outbox
from tests.conftest import database_url_for_workers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _book(officer, n: int):
    w = world_create()
    cases = [case_create(officer, producer=w.creg_plant) for _ in range(n)]
    assessments_rescore_batch(case_ids=[c.pk for c in cases], trigger=Trigger.CREATED)
    return w, cases


def _remove_creg(w) -> ReferenceChange:
    version = ApprovedListVersion.objects.create(
        label="2026 list", effective_from=dt.date(2026, 1, 1)
    )
    version.entries.create(producer=w.northern_plant, status="approved")
    version.entries.create(producer=w.creg_plant, status="removed")
    with transaction.atomic():
        return approved_list_publish(version=version)  # publishes the planner on commit


def _done(change: ReferenceChange) -> bool:
    change.refresh_from_db()
    return change.status == "done"


def _exactly_once(change: ReferenceChange, cases) -> None:
    per_case = Counter(
        Assessment.objects.filter(reference_change=change).values_list("case_id", flat=True)
    )
    assert set(per_case) == {c.pk for c in cases}
    assert set(per_case.values()) == {1}  # every affected case once, none twice
    assert change.done_count == change.affected_count == len(cases)
    chunks = RescoreChunk.objects.filter(change=change)
    assert chunks.filter(done_at__isnull=True).count() == 0
    assert chunks.filter(finished_change=True).count() == 1  # the change marked done once
    assert sum(chunks.values_list("size", flat=True)) == len(cases)


def test_two_workers_share_one_change_and_it_is_done_once(worker_processes, officer):
    w, cases = _book(officer, 60)
    small = {**FAST, "LODESTONE_RESCORE_CHUNK_SIZE": "5"}
    worker_processes(queues=["rescore"], name="left", env=small)
    worker_processes(queues=["rescore"], name="right", env=small)
    change = _remove_creg(w)
    _wait(lambda: _done(change), 90, "the change re-scored by the two workers")
    _exactly_once(change, cases)
    hosts = Counter(
        name.split("-", 1)[0]
        for name in RescoreChunk.objects.filter(change=change).values_list("worker", flat=True)
    )
    assert set(hosts) == {"left", "right"}, hosts  # both took chunks of the one change
    assert RescoreChunk.objects.filter(change=change).count() == 12  # 60 cases, chunks of 5
    alerts = OutboxMessage.objects.filter(
        kind=MessageKind.ALERT, assessment__reference_change=change
    )
    assert alerts.count() == len(cases)  # one alert per worsened case, none twice


def _backends_waiting() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_chunk_loses_nothing_and_duplicates_nothing(worker_processes, officer):
    w, cases = _book(officer, 40)
    small = {**FAST, "LODESTONE_RESCORE_CHUNK_SIZE": "5"}
    victim = worker_processes(queues=["rescore"], name="victim", env=small)
    worker_processes(name="survivor", env=small, beat=True)  # every queue, and the watchdog
    url = database_url_for_workers().replace("postgres://", "postgresql://")
    with psycopg.connect(url) as lock:
        # Both workers stop inside their first chunk, where its alerts are written.
        lock.execute("LOCK TABLE notifications_outboxmessage IN SHARE ROW EXCLUSIVE MODE")
        change = _remove_creg(w)
        # One waits on the outbox; the other on it too, or on a row the first one holds.
        _wait(lambda: _waiting_on_the_outbox() >= 1, 30, "a worker inside a chunk")
        _wait(lambda: _backends_waiting() >= 2, 30, "both workers inside a chunk")
        victim.kill()
        lock.rollback()
    _wait(lambda: _done(change), 90, "the change finished by the survivor")
    _exactly_once(change, cases)
    workers = set(RescoreChunk.objects.filter(change=change).values_list("worker", flat=True))
    assert all(name.startswith("survivor") for name in workers), workers  # victim's rolled back

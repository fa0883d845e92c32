"""Background re-scoring: after a reference change, and the periodic sweep.

Fan-out (issue 16). `reference_change_rescore` is a short planner: it claims the change,
splits its affected cases into `RescoreChunk` rows of LODESTONE_RESCORE_CHUNK_SIZE (once; a
later attempt keeps the plan) and publishes one `rescore_chunk` task per pending chunk, which
any worker on any host takes. A chunk runs in one transaction that holds its row lock
(`SELECT ... FOR UPDATE SKIP LOCKED`): its snapshots, their alert rows, the chunk marked done
and the change's counters (`done_count`, `band_changed_count`, moved with `F()`) commit
together, so progress is counted atomically and a second delivery of a running chunk skips
it. A killed worker's transaction rolls back and its lock dies with its connection, so the
chunk is pending again and is redone without duplicates (a case the change has re-scored
already is skipped: unique `(case, reference_change)`). The chunk whose commit leaves none
pending marks the change done, exactly once (a status-filtered update). Reference data is
loaded once per worker process per reference version (`reference_for_worker`), not per chunk.

Leases. The planner claims a change (pending, failed, or running with a lapsed lease ->
running) under a row lock; every committed chunk renews the change's lease
(LODESTONE_RESCORE_LEASE_SECONDS). A second delivery of the change while the lease holds
finds it held and does nothing. `rescore_watchdog`, run by beat every minute, re-enqueues
changes whose enqueue was lost (pending for more than LODESTONE_RESCORE_PENDING_AFTER
seconds: the broker was down when the change was recorded) and changes whose lease lapsed
(no chunk committed for a lease: a worker died, or every worker is busy elsewhere); the
planner then publishes the chunks still pending again, and any duplicate of a chunk already
done or running does nothing.

The sweep fans out the same way (`rescore_cases`, one task per chunk of due cases).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from assessments.choices import Trigger
from assessments.models import Assessment, RescoreChunk
from assessments.selectors import (
    ReferenceData,
    cases_affected_by,
    cases_behind_changes,
    cases_due_for_sweep,
    today_default,
)
from assessments.services import assessments_rescore_batch
from core.broker import task_publish
from registry.choices import ChangeStatus
from registry.models import ReferenceChange

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRYABLE = (DatabaseError, SoftTimeLimitExceeded)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _day(value: str | None) -> dt.date:
    return today_default(dt.date.fromisoformat(value) if value else None)


def _lease() -> timedelta:
    return timedelta(seconds=max(int(settings.LODESTONE_RESCORE_LEASE_SECONDS), 1))


def _claim(change_id: int, *, worker: str) -> ReferenceChange | None:
    """Take the job (-> running, attempts + 1, a fresh lease) unless another worker holds it
    or it is done. Returns the claimed change, or None."""
    now = timezone.now()
    with transaction.atomic():
        change = ReferenceChange.objects.select_for_update().filter(pk=change_id).first()
        if change is None or change.status == ChangeStatus.DONE:
            return None
        held = (
            change.status == ChangeStatus.RUNNING
            and change.lease_expires_at is not None
            and change.lease_expires_at > now
        )
        if held:
            return None
        change.status = ChangeStatus.RUNNING
        change.started_at = change.started_at or now
        change.attempts += 1
        change.last_error = ""
        # Recounted on every attempt: cases done by an earlier attempt count as done again.
        change.done_count = 0
        change.worker = worker[:200]
        change.heartbeat_at = now
        change.lease_expires_at = now + _lease()
        fields = ["status", "started_at", "attempts", "last_error", "done_count", "worker"]
        change.save(update_fields=[*fields, "heartbeat_at", "lease_expires_at"])
    return change


class LeaseLost(Exception):
    """Another worker took the job over (this one's lease had lapsed)."""


def _reference_stamp() -> int:
    """The reference data's version: the newest reference change. Every registry write that
    can move a case records one (that is how the re-score finds its cases), so reference data
    loaded under one stamp is current until the stamp moves."""
    return ReferenceChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


_loaded: dict[int, ReferenceData] = {}


def reference_for_worker() -> ReferenceData:
    """Reference data loaded once per worker process per reference version, not per chunk.

    With tasks in process (the embedded default, most tests) there is no worker to keep it:
    the web process's registry changes under its feet, so it loads afresh."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return ReferenceData.load()
    stamp = _reference_stamp()
    data = _loaded.get(stamp)
    if data is None:
        _loaded.clear()  # one version kept: a worker's memory does not grow with changes
        data = _loaded[stamp] = ReferenceData.load()
    return data


def _plan(change: ReferenceChange, *, today: dt.date) -> list[int]:
    """Split the change's affected cases into chunk rows, once (a later attempt keeps the
    plan it finds). Returns the ids of the chunks still pending."""
    chunks = RescoreChunk.objects.filter(change=change)
    if not chunks.exists():
        ids = list(
            cases_affected_by(change, today=today).order_by("pk").values_list("pk", flat=True)
        )
        size = max(int(settings.LODESTONE_RESCORE_CHUNK_SIZE), 1)
        with transaction.atomic():
            RescoreChunk.objects.bulk_create(
                [
                    RescoreChunk(change=change, index=i, case_ids=list(part), size=len(part))
                    for i, part in enumerate(_chunks(ids, size))
                ],
                ignore_conflicts=True,  # two planners at once: one plan survives
            )
            ReferenceChange.objects.filter(pk=change.pk).update(affected_count=len(ids))
    done = chunks.filter(done_at__isnull=False).aggregate(n=Sum("size"))["n"] or 0
    ReferenceChange.objects.filter(pk=change.pk).update(done_count=done)
    return list(chunks.filter(done_at__isnull=True).order_by("index").values_list("pk", flat=True))


def _finish(change_id: int, *, chunk_id: int | None = None) -> bool:
    """Mark the change done when no chunk is pending: exactly once, whoever gets here first
    (the status filter lets one update through). Returns True for that one caller."""
    if RescoreChunk.objects.filter(change_id=change_id, done_at__isnull=True).exists():
        return False
    # Exact count over all attempts: snapshots of this change whose band differs from the
    # snapshot before it.
    changed = (
        Assessment.objects.filter(reference_change_id=change_id, previous__isnull=False)
        .exclude(band=F("previous__band"))
        .count()
    )
    finished = ReferenceChange.objects.filter(pk=change_id, status=ChangeStatus.RUNNING).update(
        status=ChangeStatus.DONE,
        finished_at=timezone.now(),
        band_changed_count=changed,
        done_count=F("affected_count"),
        lease_expires_at=None,
    )
    if finished and chunk_id is not None:
        RescoreChunk.objects.filter(pk=chunk_id).update(finished_change=True)
    return bool(finished)


def chunk_run(
    chunk_id: int, *, today: dt.date, worker: str = "", reference: ReferenceData | None = None
) -> bool | None:
    """Re-score one chunk and count it, in one transaction that holds the chunk's row lock.

    None: done already, or another worker is running it now (its lock is held). Otherwise
    whether this chunk's commit completed the change. Idempotent: a case the change has
    re-scored already is skipped (unique `(case, reference_change)`), so a chunk redone after
    a crash duplicates nothing.
    """
    with transaction.atomic():
        chunk = (
            # The chunk's row only: the change's row is locked briefly by every chunk that
            # commits its counters, and must not make this chunk look taken.
            RescoreChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=chunk_id, done_at__isnull=True)
            .select_related("change")
            .first()
        )
        if chunk is None:
            return None
        stats = assessments_rescore_batch(
            case_ids=chunk.case_ids,
            trigger=Trigger.REFERENCE_CHANGE,
            reference_change=chunk.change,
            today=today,
            reference=reference or reference_for_worker(),
        )
        now = timezone.now()
        RescoreChunk.objects.filter(pk=chunk.pk).update(
            done_at=now, worker=worker[:200], band_changed=stats.band_changed
        )
        ReferenceChange.objects.filter(pk=chunk.change_id).update(
            done_count=F("done_count") + chunk.size,
            band_changed_count=F("band_changed_count") + stats.band_changed,
            heartbeat_at=now,
            lease_expires_at=now + _lease(),
        )
    return _finish(chunk.change_id, chunk_id=chunk.pk)


def rescore_change(
    change: ReferenceChange, *, today: dt.date, worker: str = "", fan_out: bool = False
) -> ReferenceChange | None:
    """Re-score every case the change affects; safe to call again for the same change.

    Claims the change, splits its cases into chunks (once), then either runs the pending
    chunks here, one after another (`fan_out=False`: tests, the benchmark, tasks in
    process), or publishes one `rescore_chunk` task per pending chunk for any worker to take
    (the Celery task). Returns the change once done (None when it was done already or another
    worker holds its lease; with `fan_out`, the change as planned).
    """
    claimed = _claim(change.pk, worker=worker)
    if claimed is None:
        return None
    pending = _plan(claimed, today=today)
    if fan_out:
        for chunk_id in pending:
            task_publish(rescore_chunk, chunk_id, today.isoformat())
        if not pending:
            _finish(claimed.pk)
        return ReferenceChange.objects.get(pk=claimed.pk)
    reference = ReferenceData.load() if pending else None  # one load for the change
    for chunk_id in pending:
        chunk_run(chunk_id, today=today, worker=worker, reference=reference)
    if not _finish(claimed.pk):
        current = ReferenceChange.objects.get(pk=claimed.pk)
        if current.status != ChangeStatus.DONE:
            raise LeaseLost(f"reference change #{claimed.pk}: chunks left by another worker")
    return ReferenceChange.objects.get(pk=claimed.pk)


# Re-score tasks: acknowledged after they run, handed back if their worker dies, retried with
# backoff on a database error or their soft time limit. Each is short whatever the change's
# size (the planner: one query and one insert; a chunk: LODESTONE_RESCORE_CHUNK_SIZE cases,
# about 2 s at 500), far inside its limit.
RESCORE_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": MAX_ATTEMPTS,
    "soft_time_limit": 300,
    "time_limit": 330,
}


@shared_task(name="assessments.tasks.reference_change_rescore", **RESCORE_TASK)
def reference_change_rescore(self, change_id: int, today: str | None = None) -> dict:
    """Plan the change and fan its chunks out to every worker (the planner is short: a query
    for the affected ids and one insert of chunk rows, whatever the change's size)."""
    worker = self.request.hostname or ""
    try:
        planned = rescore_change(
            ReferenceChange(pk=change_id), today=_day(today), worker=worker, fan_out=True
        )
    except Exception as e:
        ReferenceChange.objects.filter(
            pk=change_id, status=ChangeStatus.RUNNING, worker=worker[:200]
        ).update(
            status=ChangeStatus.FAILED,
            last_error=f"{type(e).__name__}: {e}"[:2000],
            lease_expires_at=None,
        )
        logger.exception("re-score of reference change %s failed", change_id)
        raise
    if planned is None:
        change = ReferenceChange.objects.filter(pk=change_id).first()
        if change is None:
            logger.warning("reference change %s does not exist", change_id)
            return {"status": "missing"}
        # Done already, or another worker holds the lease: nothing to do for this delivery.
        return {"status": change.status, "affected": change.affected_count}
    return {"status": planned.status, "affected": planned.affected_count}


@shared_task(name="assessments.tasks.rescore_chunk", **RESCORE_TASK)
def rescore_chunk(self, chunk_id: int, today: str | None = None) -> dict:
    finished = chunk_run(chunk_id, today=_day(today), worker=self.request.hostname or "")
    return {"chunk": chunk_id, "ran": finished is not None, "finished_change": bool(finished)}


@shared_task(
    name="assessments.tasks.rescore_watchdog",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=50,
    time_limit=60,
    ignore_result=True,
)
def rescore_watchdog() -> dict:
    """Every minute: re-enqueue re-score jobs that lost their enqueue or their worker."""
    now = timezone.now()
    pending_after = timedelta(seconds=int(settings.LODESTONE_RESCORE_PENDING_AFTER))
    lost = ReferenceChange.objects.filter(
        Q(status=ChangeStatus.PENDING, created_at__lt=now - pending_after)
        | Q(status=ChangeStatus.RUNNING, lease_expires_at__lt=now)
        # Running without a lease: claimed before leases existed.
        | Q(status=ChangeStatus.RUNNING, lease_expires_at__isnull=True)
    ).order_by("created_at")
    ids = list(lost.values_list("pk", flat=True)[:500])
    published = sum(1 for pk in ids if task_publish(reference_change_rescore, pk))
    if ids:
        logger.warning(
            "watchdog: %s re-score jobs had lost their enqueue or worker, %s re-enqueued",
            len(ids),
            published,
        )
    return {"lost": len(ids), "requeued": published}


@shared_task(
    name="assessments.tasks.sweep",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=3000,
    time_limit=3300,
)
def sweep(today: str | None = None) -> dict:
    """Hourly: re-enqueue failed changes, re-assess cases a passing date (or a change that
    could not be processed) may have moved, and assess never-assessed cases. Pending and
    running changes are the minute check's (`rescore_watchdog`)."""
    day = _day(today)
    failed = ReferenceChange.objects.filter(
        status=ChangeStatus.FAILED, attempts__lt=MAX_ATTEMPTS
    ).order_by("created_at")
    requeued = sum(1 for change in failed if task_publish(reference_change_rescore, change.pk))
    # Changes that will not be retried any more: bring their cases up to date directly.
    given_up = ReferenceChange.objects.filter(
        status=ChangeStatus.FAILED, attempts__gte=MAX_ATTEMPTS
    )
    ids = set(cases_due_for_sweep(day)) | cases_behind_changes(given_up, day)
    ordered = sorted(ids)
    size = max(int(settings.LODESTONE_RESCORE_CHUNK_SIZE), 1)
    # Fanned out like a reference change's chunks: any worker takes any chunk. A chunk lost
    # with its worker is due again on the next sweep (what is due is recomputed each hour).
    chunks = sum(
        1
        for chunk in _chunks(ordered, size)
        if task_publish(rescore_cases, list(chunk), day.isoformat())
    )
    logger.info(
        "sweep: %s cases due in %s chunks, %s changes re-enqueued", len(ids), chunks, requeued
    )
    return {"due": len(ids), "chunks": chunks, "requeued": requeued}


@shared_task(name="assessments.tasks.rescore_cases", **RESCORE_TASK)
def rescore_cases(self, case_ids: list[int], today: str | None = None) -> dict:
    """One chunk of the sweep: re-assess these cases as of `today` (an unchanged result
    writes nothing, so a chunk run twice writes nothing twice)."""
    stats = assessments_rescore_batch(
        case_ids=case_ids,
        trigger=Trigger.SCHEDULED,
        today=_day(today),
        reference=reference_for_worker(),
    )
    return {"cases": len(case_ids), "assessed": stats.created}

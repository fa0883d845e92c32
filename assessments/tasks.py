"""Background re-scoring: after a reference change, and the periodic sweep.

Chunking. `reference_change_rescore` processes the affected cases itself, in chunks of
LODESTONE_RESCORE_CHUNK_SIZE, each chunk one transaction (`assessments_rescore_batch`)
sharing one load of the reference data. Progress (`done_count`) moves after every
committed chunk. Inline chunks rather than one subtask per chunk: reference data is loaded
once, the change has one owner that can mark it done, and a retry simply resumes, because
cases already re-scored for the change are skipped (unique `(case, reference_change)`).

Leases. The worker that runs a change claims it (pending, failed, or running with a lapsed
lease -> running) under a row lock and renews its lease (LODESTONE_RESCORE_LEASE_SECONDS)
after every committed chunk. A second delivery of the same change while the lease holds
(the watchdog's, or Redis redelivering the unacked message of a killed worker) finds it
held and does nothing. `rescore_watchdog`, run by beat every minute, re-enqueues changes
whose enqueue was lost (pending for more than LODESTONE_RESCORE_PENDING_AFTER seconds: the
broker was down when the change was recorded) and changes whose lease lapsed (their worker
died). A worker killed mid-way loses nothing: each chunk, its snapshots and their alert
rows commit together, and the next worker skips the cases already done.
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
from django.db.models import F, Q
from django.utils import timezone

from assessments.choices import Trigger
from assessments.models import Assessment
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


def rescore_change(
    change: ReferenceChange, *, today: dt.date, worker: str = ""
) -> ReferenceChange | None:
    """Re-score every case the change affects; safe to call again for the same change.

    Returns None when the change is done already or another worker holds its lease.
    """
    claimed = _claim(change.pk, worker=worker)
    if claimed is None:
        return None
    change = claimed
    # Progress and lease renewals only while this attempt still holds the job.
    changes = ReferenceChange.objects.filter(
        pk=change.pk, status=ChangeStatus.RUNNING, attempts=change.attempts
    )
    ids = list(cases_affected_by(change, today=today).order_by("pk").values_list("pk", flat=True))
    changes.update(affected_count=len(ids))
    reference = ReferenceData.load()
    size = max(int(settings.LODESTONE_RESCORE_CHUNK_SIZE), 1)
    for chunk in _chunks(ids, size):
        stats = assessments_rescore_batch(
            case_ids=chunk,
            trigger=Trigger.REFERENCE_CHANGE,
            reference_change=change,
            today=today,
            reference=reference,
        )
        now = timezone.now()
        renewed = changes.update(
            done_count=F("done_count") + len(chunk),
            band_changed_count=F("band_changed_count") + stats.band_changed,
            heartbeat_at=now,
            lease_expires_at=now + _lease(),
        )
        if not renewed:
            raise LeaseLost(f"reference change #{change.pk}: another worker took the job over")
    # Exact count over all attempts: snapshots of this change whose band differs from the
    # snapshot before it.
    changed = (
        Assessment.objects.filter(reference_change=change, previous__isnull=False)
        .exclude(band=F("previous__band"))
        .count()
    )
    if not changes.update(
        status=ChangeStatus.DONE,
        finished_at=timezone.now(),
        band_changed_count=changed,
        done_count=len(ids),
        lease_expires_at=None,
    ):
        raise LeaseLost(f"reference change #{change.pk}: another worker took the job over")
    return ReferenceChange.objects.get(pk=change.pk)


@shared_task(
    name="assessments.tasks.reference_change_rescore",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
    # A redelivery of a live job (past the Redis visibility timeout) finds its lease held.
    soft_time_limit=3000,
    time_limit=3300,
)
def reference_change_rescore(self, change_id: int, today: str | None = None) -> dict:
    worker = self.request.hostname or ""
    try:
        done = rescore_change(ReferenceChange(pk=change_id), today=_day(today), worker=worker)
    except LeaseLost as e:
        logger.warning("%s", e)
        return {"status": "lost"}
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
    if done is None:
        change = ReferenceChange.objects.filter(pk=change_id).first()
        if change is None:
            logger.warning("reference change %s does not exist", change_id)
            return {"status": "missing"}
        # Done already, or another worker holds the lease: nothing to do for this delivery.
        return {"status": change.status, "affected": change.affected_count}
    return {
        "status": done.status,
        "affected": done.affected_count,
        "band_changed": done.band_changed_count,
    }


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
    reference = ReferenceData.load() if ordered else None
    created = 0
    size = max(int(settings.LODESTONE_RESCORE_CHUNK_SIZE), 1)
    for chunk in _chunks(ordered, size):
        stats = assessments_rescore_batch(
            case_ids=chunk, trigger=Trigger.SCHEDULED, today=day, reference=reference
        )
        created += stats.created
    logger.info(
        "sweep: %s cases due, %s assessed, %s changes re-enqueued", len(ids), created, requeued
    )
    return {"due": len(ids), "assessed": created, "requeued": requeued}

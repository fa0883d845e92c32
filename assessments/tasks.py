"""Background re-scoring: after a reference change, and the periodic sweep.

Chunking. `reference_change_rescore` processes the affected cases itself, in chunks of
LODESTONE_RESCORE_CHUNK_SIZE, each chunk one transaction (`assessments_rescore_batch`)
sharing one load of the reference data. Progress (`done_count`) moves after every
committed chunk. Inline chunks rather than one subtask per chunk: reference data is loaded
once, the change has one owner that can mark it done, and a retry simply resumes, because
cases already re-scored for the change are skipped (unique `(case, reference_change)`).
A worker killed mid-way loses nothing: the message is acked late and redelivered, and the
sweep re-enqueues changes left pending, running or failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError
from django.db.models import F, Q
from django.db.models.functions import Coalesce
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


def rescore_change(change: ReferenceChange, *, today: dt.date) -> ReferenceChange:
    """Re-score every case the change affects; safe to call again for the same change."""
    changes = ReferenceChange.objects.filter(pk=change.pk)
    changes.update(
        status=ChangeStatus.RUNNING,
        started_at=Coalesce("started_at", timezone.now()),
        attempts=F("attempts") + 1,
        last_error="",
        # Recounted on every attempt: cases done by an earlier attempt count as done again.
        done_count=0,
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
        changes.update(
            done_count=F("done_count") + len(chunk),
            band_changed_count=F("band_changed_count") + stats.band_changed,
        )
    # Exact count over all attempts: snapshots of this change whose band differs from the
    # snapshot before it.
    changed = (
        Assessment.objects.filter(reference_change=change, previous__isnull=False)
        .exclude(band=F("previous__band"))
        .count()
    )
    changes.update(
        status=ChangeStatus.DONE,
        finished_at=timezone.now(),
        band_changed_count=changed,
        done_count=len(ids),
    )
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
    # Below the Redis visibility timeout (3600 s), so a live task is never redelivered.
    soft_time_limit=3000,
    time_limit=3300,
)
def reference_change_rescore(self, change_id: int, today: str | None = None) -> dict:
    change = ReferenceChange.objects.filter(pk=change_id).first()
    if change is None:
        logger.warning("reference change %s does not exist", change_id)
        return {"status": "missing"}
    if change.status == ChangeStatus.DONE:
        return {"status": "done", "affected": change.affected_count}
    try:
        done = rescore_change(change, today=_day(today))
    except Exception as e:
        ReferenceChange.objects.filter(pk=change_id).update(
            status=ChangeStatus.FAILED, last_error=f"{type(e).__name__}: {e}"[:2000]
        )
        logger.exception("re-score of reference change %s failed", change_id)
        raise
    return {
        "status": done.status,
        "affected": done.affected_count,
        "band_changed": done.band_changed_count,
    }


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
    """Hourly: re-enqueue stuck changes, re-assess cases a passing date (or a change that
    could not be processed) may have moved, and assess never-assessed cases."""
    day = _day(today)
    now = timezone.now()
    stale = now - timedelta(minutes=getattr(settings, "LODESTONE_RESCORE_STALE_MINUTES", 60))
    stuck = ReferenceChange.objects.filter(
        Q(status=ChangeStatus.PENDING, created_at__lt=stale)
        | Q(status=ChangeStatus.RUNNING, started_at__lt=stale)
        | Q(status=ChangeStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    ).order_by("created_at")
    requeued = 0
    for change in stuck:
        reference_change_rescore.delay(change.pk)
        requeued += 1
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

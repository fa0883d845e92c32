"""Background steps of a case import (shipments.services.import_jobs): IDs in, one
service call, idempotent (a redelivered message finds the job past that step and does
nothing), acknowledged late so a killed worker's step is delivered again."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from shipments.services.import_jobs import import_job_check, import_job_fail, import_job_run

LIMITS = {
    "acks_late": True,
    "time_limit": settings.LODESTONE_IMPORT_TIME_LIMIT,
    "soft_time_limit": settings.LODESTONE_IMPORT_TIME_LIMIT - 60,
}


@shared_task(**LIMITS)
def case_import_check(job_id: int) -> None:
    try:
        import_job_check(job_id=job_id)
    except Exception as exc:
        # The job must never stay "checking" with no one told: record, then re-raise
        # for the worker's log.
        import_job_fail(job_id=job_id, failure=f"The check stopped: {exc}")
        raise


@shared_task(**LIMITS)
def case_import_run(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    except Exception as exc:
        import_job_fail(
            job_id=job_id,
            failure=f"The import stopped: {exc}. Cases imported before the failure are kept; "
            "fix the cause and upload the remaining rows.",
        )
        raise

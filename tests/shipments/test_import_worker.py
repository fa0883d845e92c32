"""A 1,200-row import through the pages, with both steps on a real Celery worker (Redis)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Assessment
from shipments.choices import ImportState
from shipments.models import Case, ImportJob
from tests.shipments.test_import import dataset
from tests.shipments.test_import_jobs import rows

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(job: ImportJob, state: str, timeout: float = 120) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == state:
            return job
        assert job.state != ImportState.FAILED, (job.failure, job.errors[:3])
        time.sleep(0.2)
    raise AssertionError(f"import #{job.pk} still {job.state}")


def test_a_1200_row_import_is_checked_and_imported_by_the_worker(
    celery_worker, officer_client, officer, elements
):
    upload = SimpleUploadedFile("cases.csv", dataset(*rows(1200)).export("csv").encode())
    response = officer_client.post(reverse("shipments:case_import"), {"file": upload})
    assert response.status_code == 302  # answered at once: the request parsed no row
    job = _wait(ImportJob.objects.get(), ImportState.CHECKED)
    assert job.total_rows == 1200
    assert not Case.objects.exists()
    officer_client.post(reverse("shipments:import_job_confirm", args=[job.pk]))
    job = _wait(job, ImportState.DONE)
    assert job.imported_rows == 1200
    assert Case.objects.filter(import_job=job, created_by=officer).count() == 1200
    assert Assessment.objects.filter(case__import_job=job, trigger="created").count() == 1200
    page = officer_client.get(reverse("shipments:import_job", args=[job.pk]))
    assert b"1,200 cases created and assessed" in page.content

"""Case imports run in the background: upload -> check (nothing written) -> confirm ->
bulk insert and assessment; progress and result pages; one bad row changes nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Assessment
from shipments.choices import ImportState
from shipments.models import Case, ImportJob, ImportJobRow, TimelineEvent
from shipments.services import import_job_create
from shipments.services.import_jobs import import_job_check, import_job_run
from tests.shipments.test_import import GOOD, dataset

pytestmark = pytest.mark.django_db


def rows(n: int, **extra) -> list[dict]:
    return [
        {**GOOD, "reference": f"BULK-{i:05d}", "quantity_kg": str(100 + i), **extra}
        for i in range(n)
    ]


def _upload(client, data, name="cases.csv"):
    body = data.export("xlsx") if name.endswith(".xlsx") else data.export("csv").encode()
    return client.post(reverse("shipments:case_import"), {"file": SimpleUploadedFile(name, body)})


def test_a_1000_row_import_runs_through_the_pages_checked_then_imported_and_assessed(
    officer_client, officer, elements, second_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in tests
        response = _upload(officer_client, dataset(*rows(1000, owner="oscar")), "cases.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("shipments:import_job", kwargs={"pk": job.pk})
    assert (job.state, job.total_rows, job.checked_rows) == (ImportState.CHECKED, 1000, 1000)
    assert job.created_by == officer
    # The check validated every row and wrote no case and no assessment.
    assert not Case.objects.exists()
    assert not Assessment.objects.exists()
    assert ImportJobRow.objects.filter(job=job).count() == 1000

    page = officer_client.get(response["Location"])
    assert b"All 1,000 rows are valid" in page.content
    assert b"Import 1,000 cases" in page.content
    assert b"hx-trigger" not in page.content  # no polling once checked

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("shipments:import_job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == (ImportState.DONE, 1000)
    assert Case.objects.filter(import_job=job).count() == 1000
    assert Assessment.objects.filter(trigger="created").count() == 1000
    assert not Case.objects.filter(latest_assessment__isnull=True).exists()
    assert set(Case.objects.values_list("owner__username", flat=True)) == {"oscar"}
    assert not ImportJobRow.objects.exists()  # the kept rows go once imported
    created = TimelineEvent.objects.filter(kind="created", actor=officer)
    assert created.count() == 1000
    assert created.first().data["import_job"] == job.pk

    result = officer_client.get(response["Location"])
    assert b"1,000 cases created and assessed" in result.content
    assert b"BULK-00000" in result.content
    assert b"Page 1 of 20" in result.content


def test_the_status_panel_polls_while_the_job_runs_and_stops_when_it_ends(officer_client, elements):
    response = _upload(officer_client, dataset(*rows(3)))  # no commit hooks run: still checking
    job = ImportJob.objects.get()
    assert job.state == ImportState.CHECKING
    status_url = reverse("shipments:import_job_status", args=[job.pk])
    page = officer_client.get(response["Location"])
    assert f'hx-get="{status_url}"'.encode() in page.content
    assert b'hx-trigger="every 1s"' in page.content
    assert b"<script" not in page.content.split(b"</head>")[1]  # CSP: no inline script
    import_job_check(job_id=job.pk)
    panel = officer_client.get(status_url)
    assert panel.status_code == 200
    assert b"hx-trigger" not in panel.content
    assert b"All 3 rows are valid" in panel.content


def test_one_bad_row_fails_the_check_names_the_row_and_changes_nothing(
    officer_client, elements, django_capture_on_commit_callbacks
):
    data = rows(500)
    data[321]["elements"] = "Nd:50, Fe:20"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(officer_client, dataset(*data))
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert job.error_count == 1
    assert job.errors == [{"row": 323, "field": "elements", "message": job.errors[0]["message"]}]
    assert "Not a rare earth element: Fe" in job.errors[0]["message"]
    assert not Case.objects.exists()
    assert not ImportJobRow.objects.exists()
    page = officer_client.get(response["Location"])
    assert b"1 problem found in 500 rows; nothing was saved" in page.content
    assert re.search(rb"<td class=\"num\">323</td>", page.content)
    assert (
        officer_client.post(reverse("shipments:import_job_confirm", args=[job.pk])).status_code
        == 302
    )
    assert not Case.objects.exists()


def test_a_reference_taken_between_check_and_import_fails_the_import_and_changes_nothing(
    officer, elements, django_capture_on_commit_callbacks
):
    from shipments.importing import parse_row
    from shipments.services import case_create, import_job_confirm

    upload = SimpleUploadedFile("c.csv", dataset(*rows(5)).export("csv").encode())
    job = import_job_create(actor=officer, file=upload)
    import_job_check(job_id=job.pk)
    data = parse_row({**GOOD, "reference": "bulk-00003"}).data
    case_create(actor=officer, **data)
    import_job_confirm(job=job, actor=officer)
    job = import_job_run(job_id=job.pk)
    assert job.state == ImportState.FAILED
    assert [(e["row"], e["field"]) for e in job.errors] == [(5, "reference")]
    assert Case.objects.count() == 1


def test_the_import_resumes_without_creating_a_row_twice(officer, elements, settings):
    from shipments.services import import_job_confirm

    settings.LODESTONE_IMPORT_CHUNK_SIZE = 4
    upload = SimpleUploadedFile("c.csv", dataset(*rows(10)).export("csv").encode())
    job = import_job_create(actor=officer, file=upload)
    import_job_check(job_id=job.pk)
    import_job_confirm(job=job, actor=officer)
    import_job_run(job_id=job.pk)
    # A redelivered message after the job finished does nothing; a run that died after some
    # chunks committed (rows still kept, state still importing) inserts only the rest.
    assert import_job_run(job_id=job.pk).state == ImportState.DONE
    Case.objects.filter(reference__in=["BULK-00008", "BULK-00009"]).delete()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING)
    for row, ref in ((10, "BULK-00008"), (11, "BULK-00009"), (2, "BULK-00000")):
        ImportJobRow.objects.create(job=job, row=row, data={**_kept(ref)})
    job = import_job_run(job_id=job.pk)
    assert job.state == ImportState.DONE
    assert Case.objects.filter(import_job=job).count() == 10
    assert job.imported_rows == 10


def _kept(reference: str) -> dict:
    from django.contrib.auth import get_user_model

    from shipments.importing import parse_row
    from shipments.services import case_validate
    from shipments.services.import_jobs import _row_data

    data = parse_row({**GOOD, "reference": reference}).data
    actor = get_user_model().objects.get(username="olga")
    return _row_data(case_validate(actor=actor, existing_references=set(), **data))


def test_a_viewer_can_neither_import_nor_open_an_import(client, viewer, officer, elements):
    upload = SimpleUploadedFile("c.csv", dataset(GOOD).export("csv").encode())
    job = import_job_create(actor=officer, file=upload)
    client.force_login(viewer)
    for name in ("import_job", "import_job_status"):
        assert client.get(reverse(f"shipments:{name}", args=[job.pk])).status_code == 403
    for name in ("import_job_confirm", "import_job_resume"):
        assert client.post(reverse(f"shipments:{name}", args=[job.pk])).status_code == 403
    assert client.post(reverse("shipments:case_import"), {}).status_code == 403


def test_an_officer_cannot_see_or_confirm_another_officers_import(
    client, second_officer, officer, elements
):
    upload = SimpleUploadedFile("c.csv", dataset(GOOD).export("csv").encode())
    job = import_job_create(actor=officer, file=upload)
    import_job_check(job_id=job.pk)
    client.force_login(second_officer)
    assert client.get(reverse("shipments:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("shipments:import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED

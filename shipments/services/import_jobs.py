"""Case import jobs: an upload is stored and checked in the background, then, once its
owner confirms, imported in the background; the page follows the counts.

checking -> checked -> importing -> done, or failed (row errors, or an unexpected failure)
at either step. The check writes no case; the valid rows are kept as plain values
(ImportJobRow: the case's values, its elements, parties and sources, with ids for users and
producers) so the import inserts them without parsing or validating the file again: it
re-checks only what can change in between (a reference taken since, an owner who lost the
right to own cases, a producer removed from the registry). The import commits in chunks and
is resumable: a chunk whose cases exist for the job is not inserted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from registry.models import Producer
from registry.spreadsheets import spreadsheet_read
from shipments.choices import IMPORT_RUNNING, ImportState
from shipments.models import (
    PARTY_FIELDS,
    SOURCE_FIELDS,
    Case,
    CaseParty,
    CaseSource,
    ImportJob,
    ImportJobRow,
)
from shipments.ports import reference_load
from shipments.services._common import CASE_FIELDS, elements_known, owner_errors
from shipments.services.cases import ValidCase
from shipments.services.imports import cases_check, cases_insert_many, references_taken

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

# Kept by id: the owner, and the records a row names (licence record, technology item).
ID_FIELDS = ("licence_record", "technology_item")
PLAIN_FIELDS = tuple(f for f in CASE_FIELDS if f not in ("owner", *ID_FIELDS))
# A kept party or source: its plain values (PARTY_FIELDS, SOURCE_FIELDS), its producer's id
# and its position.


def _enqueue(task_name: str, job_id: int) -> None:
    from shipments import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).delay(job_id))


def _touch(job_id: int, **values: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **values)


# --- requests -----------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor: AbstractBaseUser, file: UploadedFile) -> ImportJob:
    """Store an upload that passed the spreadsheet guard and queue its check."""
    job = ImportJob(created_by=actor, file_name=file.name[:255], state=ImportState.CHECKING)
    job.file.save(file.name, file, save=False)
    job.full_clean()
    job.save()
    _enqueue("case_import_check", job.pk)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor: AbstractBaseUser) -> ImportJob:
    """Queue the import of a checked job (its uploader only)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file can import it.")
    if job.state != ImportState.CHECKED:
        raise ValidationError(f"The import is {job.get_state_display().lower()}, not checked.")
    job.state = ImportState.IMPORTING
    job.import_started_at = timezone.now()
    job.save(update_fields=["state", "import_started_at", "updated_at"])
    _enqueue("case_import_run", job.pk)
    return job


def import_job_stale(job: ImportJob) -> bool:
    """A running job whose counts have not moved for LODESTONE_IMPORT_STALE_SECONDS: its
    worker most likely died."""
    if job.state not in IMPORT_RUNNING:
        return False
    age = (timezone.now() - job.updated_at).total_seconds()
    return age > settings.LODESTONE_IMPORT_STALE_SECONDS


@transaction.atomic
def import_job_resume(*, job: ImportJob, actor: AbstractBaseUser) -> ImportJob:
    """Queue a stale job's step again (safe: both steps are idempotent)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file can resume it.")
    if not import_job_stale(job):
        raise ValidationError("The import is not stuck: it is still moving or has finished.")
    job.save(update_fields=["updated_at"])
    step = "case_import_check" if job.state == ImportState.CHECKING else "case_import_run"
    _enqueue(step, job.pk)
    return job


# --- worker steps -------------------------------------------------------------------------


def _fail(job_id: int, **values: Any) -> None:
    _touch(job_id, state=ImportState.FAILED, finished_at=timezone.now(), **values)


def _errors_json(errors) -> list[dict]:
    limit = settings.LODESTONE_IMPORT_MAX_ERRORS
    return [{"row": e.row, "field": e.field, "message": e.message} for e in errors[:limit]]


def _row_data(valid: ValidCase) -> dict:
    case = valid.case
    data: dict[str, Any] = {}
    for name in PLAIN_FIELDS:
        value = getattr(case, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["quantity_kg"] = str(case.quantity_kg)
    data["owner_id"] = case.owner_id
    for name in ID_FIELDS:
        data[f"{name}_id"] = getattr(case, f"{name}_id")
    data["elements"] = [[e.symbol, None if s is None else str(s)] for e, s in valid.pairs]
    data["watcher_ids"] = [u.pk for u in valid.watchers]
    data["parties"] = [_kept(party, PARTY_FIELDS) for party in valid.parties]
    data["sources"] = [_kept(source, SOURCE_FIELDS) for source in valid.sources]
    return data


def _kept(row: CaseParty | CaseSource, names: tuple[str, ...]) -> dict:
    return {
        **{name: getattr(row, name) for name in names},
        "producer_id": row.producer_id,
        "position": row.position,
    }


def _producer_ids(data: dict) -> set[int]:
    rows = (*data.get("parties", ()), *data.get("sources", ()))
    return {row["producer_id"] for row in rows if row["producer_id"]}


def import_job_check(*, job_id: int) -> ImportJob:
    """Validate every row of the job's file; keep the valid rows; write no case."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.CHECKING:
        return job  # already checked (a redelivered message)
    job.rows.all().delete()  # a check that died half-way
    try:
        with job.file.open("rb") as f:
            dataset = spreadsheet_read(f)  # the guard again: the worker parses nothing unchecked
    except ValidationError as exc:
        _fail(job.pk, failure=" ".join(exc.messages))
        return ImportJob.objects.get(pk=job.pk)
    _touch(job.pk, total_rows=dataset.height, checked_rows=0)

    pending: list[ImportJobRow] = []

    def keep(row: int, valid: ValidCase) -> None:
        pending.append(ImportJobRow(job=job, row=row, data=_row_data(valid)))
        if len(pending) >= 1000:
            ImportJobRow.objects.bulk_create(pending)
            pending.clear()

    report = cases_check(
        actor=job.created_by,
        dataset=dataset,
        on_valid=keep,
        on_progress=lambda n: _touch(job.pk, checked_rows=n),
    )
    if report.errors:
        job.rows.all().delete()
        _fail(
            job.pk,
            total_rows=report.total_rows,
            checked_rows=report.total_rows,
            errors=_errors_json(report.errors),
            error_count=len(report.errors),
        )
    else:
        ImportJobRow.objects.bulk_create(pending)
        _touch(
            job.pk,
            state=ImportState.CHECKED,
            total_rows=report.total_rows,
            checked_rows=report.total_rows,
            checked_at=timezone.now(),
        )
    return ImportJob.objects.get(pk=job.pk)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _recheck(
    job: ImportJob, rows: list[tuple[int, dict]], users: dict, producers: dict
) -> list[dict]:
    """What can have changed since the check: references taken by other cases, owners who
    may no longer own cases, watchers no longer active, plants removed from the registry."""
    errors: list[dict] = []
    taken = references_taken(d["reference"] for _, d in rows)
    for row, data in rows:
        if "sources" not in data:
            errors.append(
                {
                    "row": row,
                    "field": "producer",
                    "message": "This row was checked before cases had parties and sources; "
                    "upload the file again.",
                }
            )
            continue
        if data["reference"].lower() in taken:
            errors.append(
                {
                    "row": row,
                    "field": "reference",
                    "message": f"A case with reference {data['reference']} already exists "
                    "(created since the check).",
                }
            )
        owner = users.get(data["owner_id"])
        problems = owner_errors(owner) if owner else {"owner": ["The owner is no longer active."]}
        for message in problems.get("owner", []):
            errors.append({"row": row, "field": "owner", "message": message})
        if any(uid not in users for uid in data["watcher_ids"]):
            errors.append(
                {"row": row, "field": "watchers", "message": "A watcher is no longer active."}
            )
        gone = sorted(_producer_ids(data) - set(producers))
        if gone:
            errors.append(
                {
                    "row": row,
                    "field": "sources",
                    "message": "A plant or party this row names was removed from the "
                    f"reference data since the check (producer id {', '.join(map(str, gone))}).",
                }
            )
    return errors


def _valid_case(job, data: dict, users, producers, elements) -> ValidCase:
    case = Case(
        **{name: Case._meta.get_field(name).to_python(data[name]) for name in PLAIN_FIELDS},
        **{f"{name}_id": data.get(f"{name}_id") for name in ID_FIELDS},
        owner=users[data["owner_id"]],
        created_by=job.created_by,
    )
    pairs = [
        (elements[symbol.lower()], None if share is None else Decimal(share))
        for symbol, share in data["elements"]
    ]
    parties = [
        CaseParty(**_fields(kept, PARTY_FIELDS), producer=producers.get(kept["producer_id"]))
        for kept in data["parties"]
    ]
    sources = [
        CaseSource(**_fields(kept, SOURCE_FIELDS), producer=producers.get(kept["producer_id"]))
        for kept in data["sources"]
    ]
    return ValidCase(
        case=case,
        pairs=pairs,
        watchers=[users[u] for u in data["watcher_ids"]],
        parties=parties,
        sources=sources,
    )


def _fields(kept: dict, names: tuple[str, ...]) -> dict:
    return {name: kept[name] for name in (*names, "position")}


def import_job_run(*, job_id: int) -> ImportJob:
    """Insert and assess a confirmed job's rows, a chunk per transaction."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.IMPORTING:
        return job
    done = set(
        Case.objects.filter(import_job=job)
        .annotate(ref=Lower("reference"))
        .values_list("ref", flat=True)
    )
    rows = [
        (row, data)
        for row, data in job.rows.order_by("row").values_list("row", "data")
        if data["reference"].lower() not in done
    ]
    user_ids = {d["owner_id"] for _, d in rows} | {u for _, d in rows for u in d["watcher_ids"]}
    users = get_user_model().objects.filter(is_active=True).in_bulk(list(user_ids))
    producers = Producer.objects.in_bulk(list(set().union(*(_producer_ids(d) for _, d in rows))))
    errors = _recheck(job, rows, users, producers)
    if errors:
        _fail(
            job.pk, errors=errors[: settings.LODESTONE_IMPORT_MAX_ERRORS], error_count=len(errors)
        )
        return ImportJob.objects.get(pk=job.pk)
    elements = elements_known()
    reference = reference_load()
    _touch(job.pk, imported_rows=len(done))
    for chunk in _chunks(rows, settings.LODESTONE_IMPORT_CHUNK_SIZE):
        valid = [_valid_case(job, data, users, producers, elements) for _, data in chunk]
        cases_insert_many(actor=job.created_by, valid=valid, import_job=job, reference=reference)
        _touch(job.pk, imported_rows=F("imported_rows") + len(chunk))
    job.rows.all().delete()
    _touch(job.pk, state=ImportState.DONE, finished_at=timezone.now())
    return ImportJob.objects.get(pk=job.pk)


def import_job_fail(*, job_id: int, failure: str) -> None:
    """Record an unexpected failure of a step (the task's last resort; logged too)."""
    logger.error("case import #%s failed: %s", job_id, failure)
    _fail(job_id, failure=failure[:2000])

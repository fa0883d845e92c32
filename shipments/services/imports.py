"""Bulk import of cases from CSV/XLSX: all rows or none, errors named by row and field.

Two steps that never repeat each other's work: `cases_check` validates every row through
case_validate and writes nothing; `cases_insert_many` inserts rows that passed, in bulk,
and assesses them with the batch assessment service. Import jobs (import_jobs.py) run the
two in the background; `cases_import` runs both at once for small files and scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from shipments.choices import TimelineKind
from shipments.importing import (
    IGNORED_COLUMNS,
    IMPORT_COLUMNS,
    OMITTED_COLUMN,
    REQUIRED_COLUMNS,
    ImportLookups,
    parse_row,
)
from shipments.models import Case, CaseElement, CaseParty, CaseSource, TimelineEvent
from shipments.ports import cases_assess
from shipments.services._common import CASE_FIELDS, _display, elements_display
from shipments.services.cases import ValidCase, case_validate
from shipments.services.licences import licence_consumption_snapshot, licence_siblings_assess
from shipments.services.parties import parties_display, sources_display

if TYPE_CHECKING:
    import tablib
    from django.contrib.auth.models import AbstractBaseUser

    from shipments.models import ImportJob

PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row: the header is row 1, the first case row 2
    field: str
    message: str


@dataclass
class ImportReport:
    dry_run: bool
    total_rows: int = 0
    created: list[str] = field(default_factory=list)  # a dry run: the references to create
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run


def _headers(dataset: tablib.Dataset) -> list[str]:
    return [str(h or "").strip().lower().replace(" ", "_") for h in (dataset.headers or [])]


def references_taken(references: Iterable[str]) -> set[str]:
    """The lower-cased references among `references` that a case already has (one query
    per thousand, instead of one per row)."""
    wanted = sorted({r.strip().lower() for r in references if r and r.strip()})
    taken: set[str] = set()
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        taken.update(
            Case.objects.annotate(ref=Lower("reference"))
            .filter(ref__in=part)
            .values_list("ref", flat=True)
        )
    return taken


def cases_check(
    *,
    actor: AbstractBaseUser,
    dataset: tablib.Dataset,
    on_valid: Callable[[int, ValidCase], None],
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row (case_validate: the same rules as the case form and the API,
    the owner rule included) and write nothing. Each valid row goes to `on_valid`; the
    report names every bad row and field; `created` lists the references to be created."""
    report = ImportReport(dry_run=True)
    headers = _headers(dataset)
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    known = {*IMPORT_COLUMNS, *IGNORED_COLUMNS, OMITTED_COLUMN}
    unknown = [h for h in headers if h and h not in known]
    if missing:
        report.errors.append(RowError(1, "header", f"Missing columns: {', '.join(missing)}."))
    if unknown:
        report.errors.append(RowError(1, "header", f"Unknown columns: {', '.join(unknown)}."))
    if report.errors:
        return report

    ref_column = headers.index("reference")
    taken = references_taken(str(values[ref_column] or "") for values in dataset)
    lookups = ImportLookups()
    seen: dict[str, int] = {}
    for index, values in enumerate(dataset, start=2):
        if on_progress and (index - 1) % PROGRESS_EVERY == 0:
            on_progress(index - 1)
        raw = {
            k: v for k, v in zip(headers, values, strict=False) if k and k not in IGNORED_COLUMNS
        }
        if all(v in (None, "") for v in raw.values()):
            continue
        report.total_rows += 1
        parsed = parse_row(raw, lookups)
        errors = parsed.errors
        ref = str(raw.get("reference") or "").strip()
        if ref:
            if ref.lower() in seen:
                errors.setdefault("reference", []).append(
                    f"Reference {ref} is also on row {seen[ref.lower()]}."
                )
            seen.setdefault(ref.lower(), index)
        if not errors:
            try:
                valid = case_validate(
                    actor=actor,
                    existing_references=taken,
                    known_elements=lookups.elements,
                    **parsed.data,
                )
            except ValidationError as exc:
                errors = parsed.columns_of(exc.message_dict)
            else:
                report.created.append(valid.case.reference)
                on_valid(index, valid)
        for name, msgs in errors.items():
            for msg in msgs:
                report.errors.append(RowError(index, name, msg))
    if on_progress:
        on_progress(dataset.height)
    return report


@transaction.atomic
def cases_insert_many(
    *,
    actor: AbstractBaseUser,
    valid: Sequence[ValidCase],
    import_job: ImportJob | None = None,
    reference: object = None,  # from shipments.ports.reference_load
) -> list[Case]:
    """Insert validated cases in bulk: rows, elements, parties, sources, watchers, a
    "created" timeline entry each (who, and the import job), then one batch assessment
    (trigger "created")."""
    cases = [v.case for v in valid]
    for case in cases:
        case.import_job = import_job
    licence_ids = {case.licence_record_id for case in cases if case.licence_record_id}
    consumption_before = licence_consumption_snapshot(licence_ids)
    Case.objects.bulk_create(cases, batch_size=1000)
    CaseElement.objects.bulk_create(
        [
            CaseElement(case=v.case, element=element, content_share=share)
            for v in valid
            for element, share in v.pairs
        ],
        batch_size=1000,
    )
    for v in valid:
        for row in (*v.parties, *v.sources):
            row.case = v.case
    CaseParty.objects.bulk_create([p for v in valid for p in v.parties], batch_size=1000)
    CaseSource.objects.bulk_create([s for v in valid for s in v.sources], batch_size=1000)
    through = Case.watchers.through
    through.objects.bulk_create(
        [through(case_id=v.case.pk, user_id=u.pk) for v in valid for u in v.watchers],
        batch_size=1000,
    )
    job_id = import_job.pk if import_job else None
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                case=v.case,
                actor=actor,
                kind=TimelineKind.CREATED,
                summary=f"Case {v.case.reference} opened"
                + (f" (import #{job_id})" if job_id else ""),
                data={
                    "fields": {name: _display(v.case, name) for name in CASE_FIELDS},
                    "elements": elements_display((e.symbol, s) for e, s in v.pairs),
                    "parties": parties_display(v.parties),
                    "sources": sources_display(v.sources),
                    "import_job": job_id,
                },
            )
            for v in valid
        ],
        batch_size=1000,
    )
    cases_assess(
        case_ids=[c.pk for c in cases], trigger="created", actor=actor, reference=reference
    )
    # Cases already on the rows' licences that now find more consumed before them.
    licence_siblings_assess(
        licence_ids=licence_ids,
        before=consumption_before,
        exclude=[c.pk for c in cases],
        actor=actor,
    )
    return cases


@transaction.atomic
def cases_import(
    *, actor: AbstractBaseUser, dataset: tablib.Dataset, dry_run: bool
) -> ImportReport:
    """Check every row, then (unless a dry run, and only if every row is valid) insert and
    assess them all in one transaction. For small files and scripts; the import page runs
    the same two steps in the background (import_jobs)."""
    valid: list[ValidCase] = []
    report = cases_check(actor=actor, dataset=dataset, on_valid=lambda _row, v: valid.append(v))
    report.dry_run = dry_run
    if dry_run or report.errors:
        if not dry_run:
            report.created = []
        return report
    cases_insert_many(actor=actor, valid=valid)
    return report

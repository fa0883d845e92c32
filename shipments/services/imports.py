"""Bulk import of cases from CSV/XLSX: all rows or none, errors named by row and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

if TYPE_CHECKING:
    import tablib
    from django.contrib.auth.models import AbstractBaseUser
from shipments.importing import IGNORED_COLUMNS, IMPORT_COLUMNS, REQUIRED_COLUMNS, parse_row
from shipments.services.cases import case_create

# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row: the header is row 1, the first case row 2
    field: str
    message: str


@dataclass
class ImportReport:
    dry_run: bool
    total_rows: int = 0
    created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run


@transaction.atomic
def cases_import(
    *, actor: AbstractBaseUser, dataset: tablib.Dataset, dry_run: bool
) -> ImportReport:
    """Create one case per row through case_create; any bad row and nothing is saved.

    A dry run does everything (validation, assessment) and then rolls back, so what it
    reports is exactly what the real import will do.
    """

    report = ImportReport(dry_run=dry_run)
    headers = [str(h or "").strip().lower().replace(" ", "_") for h in (dataset.headers or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    unknown = [h for h in headers if h and h not in IMPORT_COLUMNS and h not in IGNORED_COLUMNS]
    if missing:
        report.errors.append(RowError(1, "header", f"Missing columns: {', '.join(missing)}."))
    if unknown:
        report.errors.append(RowError(1, "header", f"Unknown columns: {', '.join(unknown)}."))
    if report.errors:
        return report

    seen: dict[str, int] = {}
    for index, values in enumerate(dataset, start=2):
        raw = {
            k: v for k, v in zip(headers, values, strict=False) if k and k not in IGNORED_COLUMNS
        }
        if all(v in (None, "") for v in raw.values()):
            continue
        report.total_rows += 1
        data, errors = parse_row(raw)
        ref = str(raw.get("reference") or "").strip()
        if ref:
            if ref.lower() in seen:
                errors.setdefault("reference", []).append(
                    f"Reference {ref} is also on row {seen[ref.lower()]}."
                )
            seen.setdefault(ref.lower(), index)
        if not errors:
            try:
                with transaction.atomic():
                    case_create(actor=actor, **data)
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                report.created.append(data["reference"])
        for name, msgs in errors.items():
            for msg in msgs:
                report.errors.append(RowError(index, name, msg))
    if dry_run or report.errors:
        transaction.set_rollback(True)
        if report.errors:
            report.created = report.created if dry_run else []
    return report

"""Writes on shipment cases: every change goes through here, is validated, audited on the
case timeline (who, what, old and new value, why) and re-assessed in the same transaction.
Split by sub-domain: cases, documents, imports; shared helpers in _common."""

from shipments.services._common import (
    CASE_FIELDS,
    element_shares_clean,
    elements_display,
    elements_known,
    owner_errors,
)
from shipments.services.cases import (
    REOPEN_FROM,
    ValidCase,
    case_create,
    case_insert,
    case_status_change,
    case_update,
    case_validate,
    case_watchers_set,
)
from shipments.services.documents import case_document_add
from shipments.services.import_jobs import (
    import_job_confirm,
    import_job_create,
    import_job_resume,
    import_job_stale,
)
from shipments.services.imports import (
    ImportReport,
    RowError,
    cases_check,
    cases_import,
    cases_insert_many,
)

__all__ = [
    "CASE_FIELDS",
    "REOPEN_FROM",
    "ImportReport",
    "RowError",
    "ValidCase",
    "case_create",
    "case_document_add",
    "case_insert",
    "case_status_change",
    "case_update",
    "case_validate",
    "case_watchers_set",
    "cases_check",
    "cases_import",
    "cases_insert_many",
    "element_shares_clean",
    "elements_display",
    "elements_known",
    "import_job_confirm",
    "import_job_create",
    "import_job_resume",
    "import_job_stale",
    "owner_errors",
]

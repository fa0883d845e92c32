"""Writes on shipment cases: every change goes through here, is validated, audited on the
case timeline (who, what, old and new value, why) and re-assessed in the same transaction.
Split by sub-domain: cases, documents, imports; shared helpers in _common."""

from shipments.services._common import (
    CASE_FIELDS,
    element_shares_clean,
    elements_display,
)
from shipments.services.cases import (
    REOPEN_FROM,
    case_create,
    case_status_change,
    case_update,
    case_watchers_set,
)
from shipments.services.documents import case_document_add
from shipments.services.imports import ImportReport, RowError, cases_import

__all__ = [
    "CASE_FIELDS",
    "REOPEN_FROM",
    "ImportReport",
    "RowError",
    "case_create",
    "case_document_add",
    "case_status_change",
    "case_update",
    "case_watchers_set",
    "cases_import",
    "element_shares_clean",
    "elements_display",
]

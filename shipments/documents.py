"""Which documents a case needs, and whether it has them (the checklist on the case page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .choices import DocumentStatus, DocumentType, LicenceStatus

if TYPE_CHECKING:
    from .models import Case, Document

# licensing.yaml, application_documents with `required: true` (the MOFCOM dual-use file).
LICENCE_REQUIRED_DOCUMENTS: tuple[str, ...] = (
    DocumentType.APPLICATION_FORM,
    DocumentType.IDENTITY_DOCUMENTS,
    DocumentType.CONTRACT,
    DocumentType.TECHNICAL_DESCRIPTION,
    DocumentType.END_USER_CERTIFICATE,
    DocumentType.END_USE_CERTIFICATE,
    DocumentType.END_USER_DESCRIPTION,
    DocumentType.NO_RETRANSFER_ASSURANCE,
)
# Without a licence the buyer still keeps the contract and the end-user/end-use statements.
NO_LICENCE_DOCUMENTS: tuple[str, ...] = (
    DocumentType.CONTRACT,
    DocumentType.END_USER_CERTIFICATE,
    DocumentType.END_USE_CERTIFICATE,
)
# A licence process is under way or over: the full file is needed whatever the elements.
LICENCE_IN_PLAY = {
    LicenceStatus.APPLIED,
    LicenceStatus.GRANTED,
    LicenceStatus.DENIED,
    LicenceStatus.EXPIRED,
}


class ChecklistState:
    PRESENT = "present"
    MISSING = "missing"
    EXPIRED = "expired"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ChecklistItem:
    doc_type: str
    label: str
    state: str
    document: Document | None

    @property
    def ok(self) -> bool:
        return self.state == ChecklistState.PRESENT


def licence_required(case: Case) -> bool:
    """Whether the case is on the licensing pathway (for the documents checklist).

    The officer's recorded licence status wins: "not required" means no licence; a licence
    applied for, granted, denied or expired means the file is needed. Otherwise a dual-use
    element (one with a control code, e.g. Dy under No. 18) makes the licence necessary.
    The assessment decides the licence factor on its own inputs; this is the checklist view.
    """
    if case.licence_status == LicenceStatus.NOT_REQUIRED:
        return False
    if case.licence_status in LICENCE_IN_PLAY or case.general_licence:
        return True
    return any(ce.element.control_code for ce in case.case_elements.all())


def required_documents(case: Case) -> tuple[str, ...]:
    return LICENCE_REQUIRED_DOCUMENTS if licence_required(case) else NO_LICENCE_DOCUMENTS


def document_checklist(case: Case, *, on: dt.date | None = None) -> list[ChecklistItem]:
    """One row per required document type: present, missing, expired (as of `on`) or rejected.

    `on` defaults to the planned ship date (a certificate must still be valid when the goods
    leave), or today when there is none. Uses the case's prefetched documents.
    """
    on = on or case.planned_ship_date or dt.date.today()  # noqa: DTZ011
    by_type: dict[str, list[Document]] = {}
    for doc in case.documents.all():
        by_type.setdefault(doc.doc_type, []).append(doc)
    items = []
    for doc_type in required_documents(case):
        docs = sorted(by_type.get(doc_type, []), key=lambda d: d.uploaded_at, reverse=True)
        valid = [
            d
            for d in docs
            if d.status != DocumentStatus.REJECTED and (d.expires_on is None or d.expires_on >= on)
        ]
        if valid:
            state, doc = ChecklistState.PRESENT, valid[0]
        elif any(d.status != DocumentStatus.REJECTED for d in docs):
            state, doc = ChecklistState.EXPIRED, docs[0]
        elif docs:
            state, doc = ChecklistState.REJECTED, docs[0]
        else:
            state, doc = ChecklistState.MISSING, None
        items.append(ChecklistItem(doc_type, DocumentType(doc_type).label, state, doc))
    return items

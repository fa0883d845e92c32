"""Adding a document to a case (file limits enforced), audited and re-assessed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from shipments.choices import DocumentStatus, TimelineKind
from shipments.models import Case, Document
from shipments.ports import case_assess
from shipments.validators import validate_document_file

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files import File
from shipments.services._common import (
    _event,
    _raise,
)


@transaction.atomic
def case_document_add(
    *,
    case: Case,
    actor: AbstractBaseUser,
    doc_type: str,
    file: File | None,
    status: str = DocumentStatus.PROVIDED,
    expires_on: dt.date | None = None,
    note: str = "",
) -> Document:
    """Attach a document to the case and re-assess (the documents factor reads them)."""
    errors: dict[str, list[str]] = {}
    if file:
        try:
            validate_document_file(file)
        except ValidationError as exc:
            errors["file"] = exc.messages
    document = Document(
        case=case,
        doc_type=doc_type,
        status=status,
        expires_on=expires_on,
        note=note,
        uploaded_by=actor,
    )
    try:
        document.full_clean(exclude=["file"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    if file:
        document.file.save(file.name.rsplit("/", 1)[-1], file, save=False)
    document.save()
    expiry = f", expires {expires_on.isoformat()}" if expires_on else ""
    _event(
        case,
        actor,
        TimelineKind.DOCUMENT_ADDED,
        f"Document added: {document.get_doc_type_display()} "
        f"({document.get_status_display().lower()}{expiry})",
        document_id=document.pk,
        doc_type=doc_type,
        label=document.get_doc_type_display(),
        status=status,
        expires_on=expires_on.isoformat() if expires_on else None,
        filename=document.file.name.rsplit("/", 1)[-1] if document.file else "",
    )
    case_assess(case=case, trigger="edited", actor=actor)
    return document

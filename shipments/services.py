"""Writes on shipment cases: every change goes through here, is validated, audited on the
case timeline (who, what, old and new value, why) and re-assessed in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from assessments.services import assessment_run
from registry.models import Element

from .choices import CaseStatus, DocumentStatus, LicenceStatus, TimelineKind
from .models import CASE_INPUT_FIELDS, Case, CaseElement, Document, TimelineEvent
from .validators import validate_document_file

if TYPE_CHECKING:
    import tablib
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files import File

# Fields a person may set on a case through case_create / case_update.
CASE_FIELDS = tuple(f for f in CASE_INPUT_FIELDS if f not in ("elements", "watchers"))
# Changing these does not change what the assessment reads, so no re-assessment.
UNASSESSED_FIELDS = frozenset(
    {"reference", "buyer", "supplier_text", "licence_number", "owner", "watchers"}
)
EMPTY = "—"

ElementShares = Mapping[str, Decimal | float | int | str | None]


# --- display helpers (what the timeline shows) -------------------------------------------


def _display(case: Case, name: str) -> str:
    value = getattr(case, name)
    if value is None or value == "":
        return EMPTY
    f = Case._meta.get_field(name)
    if getattr(f, "choices", None):
        return str(getattr(case, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Model):
        return str(value)
    return str(value)


def _label(name: str) -> str:
    if name == "elements":
        return "Elements"
    if name == "watchers":
        return "Watchers"
    return str(Case._meta.get_field(name).verbose_name).capitalize()


def elements_display(pairs: Iterable[tuple[str, Decimal | None]]) -> str:
    parts = [f"{sym} {format(share.normalize(), 'f')}%" if share else sym for sym, share in pairs]
    return ", ".join(parts) or EMPTY


def _users_display(users: Iterable) -> str:
    return ", ".join(sorted(u.get_username() for u in users)) or EMPTY


def _event(case: Case, actor, kind: str, summary: str, **data: Any) -> TimelineEvent:
    event = TimelineEvent(case=case, actor=actor, kind=kind, summary=summary[:500], data=data)
    event.full_clean()
    event.save()
    return event


# --- validation ---------------------------------------------------------------------------


def element_shares_clean(elements: ElementShares | None) -> list[tuple[Element, Decimal | None]]:
    """Symbols (any case) to Element rows with optional content shares, or a field error."""
    if not elements:
        raise ValidationError({"elements": "Choose at least one rare earth element."})
    known = {e.symbol.lower(): e for e in Element.objects.all()}
    unknown, bad_share, pairs = [], [], []
    for raw_symbol, raw_share in elements.items():
        element = known.get(str(raw_symbol).strip().lower())
        if element is None:
            unknown.append(str(raw_symbol).strip())
            continue
        share = None
        if raw_share not in (None, ""):
            try:
                share = Decimal(str(raw_share))
            except InvalidOperation:
                bad_share.append(f"{element.symbol}: “{raw_share}” is not a number")
                continue
            if not (0 < share <= 100):
                bad_share.append(f"{element.symbol}: a share is a percentage above 0 and up to 100")
                continue
        pairs.append((element, share))
    messages = []
    if unknown:
        symbols = ", ".join(e.symbol for e in sorted(known.values(), key=lambda e: e.atomic_number))
        messages.append(
            f"Not a rare earth element: {', '.join(unknown)}. "
            f"Use the symbols of the 17 rare earths ({symbols})."
        )
    messages.extend(bad_share)
    if not messages and sum(s for _, s in pairs if s is not None) > 100:
        messages.append("The content shares add up to more than 100%.")
    if messages:
        raise ValidationError({"elements": messages})
    return sorted(pairs, key=lambda p: p[0].atomic_number)


def _validate_case(case: Case, *, exclude_pk: int | None = None) -> dict[str, list[str]]:
    """Field-keyed errors from our own checks first, then the model's validation."""
    errors: dict[str, list[str]] = {}
    if case.reference:
        case.reference = case.reference.strip()
        clash = Case.objects.filter(reference__iexact=case.reference)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["reference"] = [f"A case with reference {case.reference} already exists."]
    try:
        qty = Decimal(str(case.quantity_kg)) if case.quantity_kg not in (None, "") else None
    except InvalidOperation:
        errors["quantity_kg"] = [
            f"Quantity must be a number of kilograms; got “{case.quantity_kg}”."
        ]
    else:
        if qty is not None and qty <= 0:
            errors["quantity_kg"] = ["Quantity must be more than zero."]
    if (
        case.licence_applied_on
        and case.licence_valid_until
        and isinstance(case.licence_applied_on, dt.date)
        and isinstance(case.licence_valid_until, dt.date)
        and case.licence_valid_until < case.licence_applied_on
    ):
        errors["licence_valid_until"] = [
            "A licence cannot be valid only until before it was applied for."
        ]
    try:
        case.full_clean(validate_unique=False)
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, msgs)
    return errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    actor: AbstractBaseUser,
    reference: str,
    buyer: str,
    exporter: str,
    product_form: str,
    quantity_kg: Decimal | str,
    destination: str,
    end_use: str,
    end_user: str,
    elements: ElementShares,
    producer=None,
    supplier_text: str = "",
    hs_code: str = "",
    consignee: str = "",
    planned_ship_date: dt.date | None = None,
    licence_status: str = LicenceStatus.NOT_APPLIED,
    licence_number: str = "",
    licence_applied_on: dt.date | None = None,
    licence_valid_until: dt.date | None = None,
    general_licence: bool = False,
    owner: AbstractBaseUser | None = None,
    watchers: Iterable[AbstractBaseUser] = (),
) -> Case:
    """Open a case, record who opened it, and assess it (trigger "created")."""
    case = Case(
        reference=reference,
        buyer=buyer,
        exporter=exporter,
        producer=producer,
        supplier_text=supplier_text,
        product_form=product_form,
        hs_code=hs_code,
        quantity_kg=quantity_kg,
        destination=(destination or "").upper(),
        end_use=end_use,
        end_user=end_user,
        consignee=consignee,
        planned_ship_date=planned_ship_date,
        licence_status=licence_status,
        licence_number=licence_number,
        licence_applied_on=licence_applied_on,
        licence_valid_until=licence_valid_until,
        general_licence=general_licence,
        owner=owner or actor,
        created_by=actor,
        status=CaseStatus.OPEN,
    )
    errors = _validate_case(case)
    try:
        pairs = element_shares_clean(elements)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    case.save()
    CaseElement.objects.bulk_create(
        CaseElement(case=case, element=element, content_share=share) for element, share in pairs
    )
    watchers = list(watchers)
    if watchers:
        case.watchers.set(watchers)
    _event(
        case,
        actor,
        TimelineKind.CREATED,
        f"Case {case.reference} opened",
        fields={name: _display(case, name) for name in CASE_FIELDS},
        elements=elements_display((e.symbol, s) for e, s in pairs),
    )
    assessment_run(case=case, trigger="created", actor=actor)
    case.refresh_from_db()
    return case


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except InvalidOperation:
            return False
    if isinstance(old, Model) or isinstance(new, Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    return old == new


@transaction.atomic
def case_update(*, case: Case, actor: AbstractBaseUser, changes: Mapping[str, Any]) -> Case:
    """Apply `changes` (case fields, "elements" as {symbol: share}, "watchers" as users).

    One timeline entry per field that really changed, with old and new display values;
    re-assessed (trigger "edited") when a fact the assessment reads changed.
    """
    allowed = {*CASE_FIELDS, "elements", "watchers"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))

    # Old values come from the row, not from an instance a form may already have modified.
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {name: getattr(case, name) for name in CASE_FIELDS}
    old_display = {name: _display(case, name) for name in CASE_FIELDS}

    changed: list[str] = []
    for name in CASE_FIELDS:
        if name in changes and not _same(before[name], changes[name]):
            value = changes[name]
            if name == "destination" and isinstance(value, str):
                value = value.upper()
            setattr(case, name, value)
            changed.append(name)

    errors = _validate_case(case, exclude_pk=case.pk)
    new_pairs = None
    old_pairs = [(ce.element_id, ce.content_share) for ce in case.case_elements.all()]
    if "elements" in changes:
        try:
            new_pairs = element_shares_clean(changes["elements"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _raise(errors)

    if changed:
        case.save()
    for name in changed:
        new = _display(case, name)
        _event(
            case,
            actor,
            TimelineKind.FIELD_CHANGED,
            f"{_label(name)}: {old_display[name]} → {new}",
            field=name,
            label=_label(name),
            old=old_display[name],
            new=new,
        )

    if new_pairs is not None:
        new_keyed = [(e.symbol, s) for e, s in new_pairs]
        if {(s, _norm(v)) for s, v in old_pairs} != {(s, _norm(v)) for s, v in new_keyed}:
            case.case_elements.all().delete()
            CaseElement.objects.bulk_create(
                CaseElement(case=case, element=e, content_share=s) for e, s in new_pairs
            )
            old, new = elements_display(old_pairs), elements_display(new_keyed)
            _event(
                case,
                actor,
                TimelineKind.FIELD_CHANGED,
                f"Elements: {old} → {new}",
                field="elements",
                label="Elements",
                old=old,
                new=new,
            )
            changed.append("elements")

    if "watchers" in changes:
        _watchers_set(case=case, actor=actor, watchers=changes["watchers"])

    if any(name not in UNASSESSED_FIELDS for name in changed):
        assessment_run(case=case, trigger="edited", actor=actor)
        case.refresh_from_db()
    return case


def _norm(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _watchers_set(*, case: Case, actor, watchers: Iterable) -> bool:
    old = list(case.watchers.all())
    new = list(watchers)
    if {u.pk for u in old} == {u.pk for u in new}:
        return False
    case.watchers.set(new)
    old_d, new_d = _users_display(old), _users_display(new)
    _event(
        case,
        actor,
        TimelineKind.FIELD_CHANGED,
        f"Watchers: {old_d} → {new_d}",
        field="watchers",
        label="Watchers",
        old=old_d,
        new=new_d,
    )
    return True


@transaction.atomic
def case_watchers_set(
    *, case: Case, actor: AbstractBaseUser, watchers: Iterable[AbstractBaseUser]
) -> Case:
    """Replace who is alerted about the case; recorded on the timeline, no re-assessment."""
    _watchers_set(case=case, actor=actor, watchers=watchers)
    return case


REOPEN_FROM = (CaseStatus.CLEARED, CaseStatus.CLOSED)


@transaction.atomic
def case_status_change(*, case: Case, actor: AbstractBaseUser, status: str, reason: str) -> Case:
    """Move a case between open, on hold, cleared and closed; a reason is always required.

    Reopening (cleared or closed back to open) re-assesses a case that was closed, because
    closed cases are not re-scored when reference data changes.
    """
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if status not in CaseStatus.values:
        errors["status"] = [
            f"Unknown status “{status}”; use one of {', '.join(CaseStatus.values)}."
        ]
    if not reason:
        errors["reason"] = ["Give a reason for the status change."]
    elif len(reason) > 300:
        errors["reason"] = ["Keep the reason under 300 characters."]
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not errors and status == case.status:
        errors["status"] = [f"The case is already {case.get_status_display().lower()}."]
    _raise(errors)

    old_status, old_display = case.status, case.get_status_display()
    case.status = status
    case.status_reason = reason
    case.full_clean(validate_unique=False)
    case.save(update_fields=["status", "status_reason", "updated_at"])
    reopened = old_status in REOPEN_FROM and status == CaseStatus.OPEN
    verb = "Reopened" if reopened else f"Status: {old_display} → {case.get_status_display()}"
    _event(
        case,
        actor,
        TimelineKind.STATUS_CHANGED,
        f"{verb} ({reason})",
        field="status",
        label="Status",
        old=old_display,
        new=case.get_status_display(),
        reason=reason,
        reopened=reopened,
    )
    if reopened and old_status == CaseStatus.CLOSED:
        assessment_run(case=case, trigger="manual", actor=actor)
        case.refresh_from_db()
    return case


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
    assessment_run(case=case, trigger="edited", actor=actor)
    return document


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
    from .importing import IGNORED_COLUMNS, IMPORT_COLUMNS, REQUIRED_COLUMNS, parse_row

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

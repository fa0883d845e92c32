"""Creating and changing a case, its watchers and its status; each change is audited on
the timeline and re-assessed in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from core.types import Actor
from registry.models import Element, Producer, TechnologyItem
from shipments.choices import CaseStatus, LicenceStatus, TimelineKind
from shipments.models import HEADLINE_ROLES, Case, CaseElement, CaseParty, CaseSource, Licence
from shipments.ports import case_assess
from shipments.services.licences import (
    CONSUMPTION_FIELDS,
    licence_consumption_snapshot,
    licence_siblings_assess,
)
from shipments.services.parties import (
    PartyInput,
    SourceInput,
    case_parties_write,
    case_sources_write,
    headline_apply,
    parties_clean,
    parties_display,
    party_input,
    producer_shorthand,
    source_input,
    sources_clean,
    sources_display,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
from shipments.services._common import (
    CASE_FIELDS,
    ElementShares,
    _display,
    _event,
    _label,
    _raise,
    _users_display,
    _validate_case,
    element_shares_clean,
    elements_display,
    owner_errors,
)

# --- services -----------------------------------------------------------------------------


@dataclass
class ValidCase:
    """A case that passed case_validate: the unsaved row, its elements and watchers."""

    case: Case
    pairs: list[tuple[Element, Decimal | None]]
    watchers: list = field(default_factory=list)
    parties: list[CaseParty] = field(default_factory=list)
    sources: list[CaseSource] = field(default_factory=list)


def case_validate(
    *,
    actor: AbstractBaseUser,
    reference: str,
    product_form: str,
    quantity_kg: Decimal | str,
    destination: str,
    end_use: str,
    elements: ElementShares,
    buyer: str = "",
    exporter: str = "",
    end_user: str = "",
    parties: Sequence[PartyInput] | None = None,
    sources: Sequence[SourceInput] | None = None,
    producer: Producer | None = None,
    supplier_text: str = "",
    hs_code: str = "",
    consignee: str = "",
    planned_ship_date: dt.date | None = None,
    licence_status: str = LicenceStatus.NOT_APPLIED,
    licence_number: str = "",
    licence_applied_on: dt.date | None = None,
    licence_valid_until: dt.date | None = None,
    general_licence: bool = False,
    licence_record: Licence | None = None,
    technology_item: TechnologyItem | None = None,
    owner: AbstractBaseUser | None = None,
    watchers: Iterable[AbstractBaseUser] = (),
    existing_references: set[str] | None = None,
    known_elements: dict[str, Element] | None = None,
    known_producers: dict[int, Producer] | None = None,
) -> ValidCase:
    """Every rule a new case must meet (the owner rule included), writing nothing.

    Raises ValidationError keyed by field. Imports pass `existing_references` (lower-cased
    references already taken, looked up once for the whole file), `known_elements` and
    `known_producers`, so a row costs no query. `producer` is the first edition's declared
    producer, still accepted: see `producer_shorthand`.
    """
    case = Case(
        reference=reference,
        buyer=buyer,
        exporter=exporter,
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
        licence_record=licence_record,
        technology_item=technology_item,
        owner=owner or actor,
        created_by=actor,
        status=CaseStatus.OPEN,
    )
    errors: dict[str, list[str]] = {}
    pairs: list[tuple[Element, Decimal | None]] = []
    try:
        pairs = element_shares_clean(elements, known=known_elements)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    party_rows, source_rows = _parties_and_sources(
        case,
        parties=parties,
        sources=sources,
        producer=producer,
        symbols=[element.symbol for element, _ in pairs],
        producers=known_producers,
        errors=errors,
    )
    for key, messages in _validate_case(case, existing_references=existing_references).items():
        errors.setdefault(key, messages)
    errors.update(owner_errors(case.owner))
    _raise(errors)
    return ValidCase(
        case=case,
        pairs=pairs,
        watchers=list(watchers),
        parties=party_rows,
        sources=source_rows,
    )


def _parties_and_sources(
    case: Case,
    *,
    parties: Sequence[PartyInput] | None,
    sources: Sequence[SourceInput] | None,
    producer: Producer | None,
    symbols: Sequence[str],
    producers: dict[int, Producer] | None,
    errors: dict[str, list[str]],
) -> tuple[list[CaseParty], list[CaseSource]]:
    """Clean the parties (headline names from the case row) and sources, collecting errors;
    the case row's party names are set from the parties."""
    shorthand_sources, exporter_record = producer_shorthand(producer=producer, symbols=symbols)
    party_rows: list[CaseParty] = []
    source_rows: list[CaseSource] = []
    try:
        party_rows = parties_clean(
            parties=parties,
            headline={role: getattr(case, role) for role in HEADLINE_ROLES},
            producers=producers,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        # Keep the names given, so the row's own checks do not add "cannot be blank".
        for raw in parties or ():
            if raw.get("role") in HEADLINE_ROLES and raw.get("name"):
                setattr(case, raw["role"], str(raw["name"]))
    else:
        headline_apply(case, party_rows)
        if exporter_record:
            for party in party_rows:
                if party.role == "exporter" and party.producer is None:
                    party.producer = exporter_record["producer"]
    try:
        source_rows = sources_clean(
            sources=[*(sources or ()), *shorthand_sources], symbols=symbols, producers=producers
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return party_rows, source_rows


@transaction.atomic
def case_insert(*, actor: AbstractBaseUser, valid: ValidCase) -> Case:
    """Save a validated case, record who opened it, and assess it (trigger "created"); the
    cases its licence record's consumption moves for are re-assessed too."""
    case = valid.case
    before = licence_consumption_snapshot([case.licence_record_id])
    case.save()
    CaseElement.objects.bulk_create(
        CaseElement(case=case, element=element, content_share=share)
        for element, share in valid.pairs
    )
    case_parties_write(case=case, actor=actor, parties=valid.parties)
    case_sources_write(case=case, actor=actor, sources=valid.sources)
    if valid.watchers:
        case.watchers.set(valid.watchers)
    _event(
        case,
        actor,
        TimelineKind.CREATED,
        f"Case {case.reference} opened",
        fields={name: _display(case, name) for name in CASE_FIELDS},
        elements=elements_display((e.symbol, s) for e, s in valid.pairs),
        parties=parties_display(valid.parties),
        sources=sources_display(valid.sources),
    )
    case_assess(case=case, trigger="created", actor=actor)
    licence_siblings_assess(
        licence_ids=[case.licence_record_id], before=before, exclude=[case.pk], actor=actor
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def case_create(*, actor: AbstractBaseUser, **fields: Any) -> Case:
    """Open a case: case_validate, then case_insert (the same keyword arguments as
    case_validate, without the import-only lookups)."""
    return case_insert(actor=actor, valid=case_validate(actor=actor, **fields))


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
    re-assessed (trigger "edited") when a fact the assessment reads changed, and with it the
    other active cases on its old and new licence records whose consumption moved.
    """
    allowed = {*CASE_FIELDS, "elements", "watchers", "parties", "sources"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))

    # Old values come from the row, not from an instance a form may already have modified.
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {name: getattr(case, name) for name in CASE_FIELDS}
    licence_ids = {case.licence_record_id, getattr(changes.get("licence_record"), "pk", None)}
    consumption_before = licence_consumption_snapshot(licence_ids)
    old_display = {name: _display(case, name) for name in CASE_FIELDS}

    changed: list[str] = []
    for name in CASE_FIELDS:
        if name in changes and not _same(before[name], changes[name]):
            value = changes[name]
            if name == "destination" and isinstance(value, str):
                value = value.upper()
            setattr(case, name, value)
            changed.append(name)

    errors: dict[str, list[str]] = {}
    new_pairs = None
    old_pairs = [(ce.element_id, ce.content_share) for ce in case.case_elements.all()]
    if "elements" in changes:
        try:
            new_pairs = element_shares_clean(changes["elements"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    symbols = (
        [e.symbol for e, _ in new_pairs] if new_pairs is not None else [s for s, _ in old_pairs]
    )
    party_rows = source_rows = None
    if "parties" in changes:
        # The list is the whole truth: the row's party names follow it (a name changed in
        # the same edit must agree with it).
        headline = {role: changes[role] for role in HEADLINE_ROLES if role in changes}
        try:
            party_rows = parties_clean(parties=changes["parties"], headline=headline)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            headline_apply(case, party_rows)
            changed.extend(
                role
                for role in HEADLINE_ROLES
                if not _same(before[role], getattr(case, role)) and role not in changed
            )
    elif any(role in changed for role in HEADLINE_ROLES):
        current = [
            party_input(p)
            for p in case.parties.select_related("producer")
            if p.role not in HEADLINE_ROLES or p.role not in changed
        ]
        headline = {role: getattr(case, role) for role in HEADLINE_ROLES}
        try:
            party_rows = parties_clean(parties=current, headline=headline)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "sources" in changes or new_pairs is not None:
        raw_sources = changes.get("sources")
        if raw_sources is None:
            raw_sources = [source_input(s) for s in case.sources.select_related("producer")]
        try:
            source_rows = sources_clean(sources=raw_sources, symbols=symbols)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for key, messages in _validate_case(case, exclude_pk=case.pk).items():
        errors.setdefault(key, messages)
    if "owner" in changed:
        errors.update(owner_errors(case.owner))
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

    if party_rows is not None and case_parties_write(case=case, actor=actor, parties=party_rows):
        changed.append("parties")
    if source_rows is not None and case_sources_write(case=case, actor=actor, sources=source_rows):
        changed.append("sources")

    if "watchers" in changes:
        _watchers_set(case=case, actor=actor, watchers=changes["watchers"])

    if changed and case_assess(case=case, trigger="edited", actor=actor, changed=changed):
        case.refresh_from_db()
    if CONSUMPTION_FIELDS.intersection(changed):
        licence_siblings_assess(
            licence_ids=licence_ids, before=consumption_before, exclude=[case.pk], actor=actor
        )
    return case


def _norm(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _watchers_set(*, case: Case, actor: Actor, watchers: Iterable) -> bool:
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
    consumption_before = licence_consumption_snapshot([case.licence_record_id])
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
        case_assess(case=case, trigger="manual", actor=actor)
        case.refresh_from_db()
    licence_siblings_assess(
        licence_ids=[case.licence_record_id],
        before=consumption_before,
        exclude=[case.pk],
        actor=actor,
    )
    return case

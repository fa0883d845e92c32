"""What the case services share: the fields a person sets, the timeline's display of
values, and validation of a case and its elements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from core.types import Actor
from registry.models import Element
from shipments.models import CASE_INPUT_FIELDS, Case, TimelineEvent

# Fields a person may set on a case through case_create / case_update.
CASE_FIELDS = tuple(
    f for f in CASE_INPUT_FIELDS if f not in ("elements", "watchers", "parties", "sources")
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


def _event(case: Case, actor: Actor, kind: str, summary: str, **data: Any) -> TimelineEvent:
    event = TimelineEvent(case=case, actor=actor, kind=kind, summary=summary[:500], data=data)
    event.full_clean()
    event.save()
    return event


# --- validation ---------------------------------------------------------------------------


def elements_known() -> dict[str, Element]:
    """The rare earths by lower-case symbol (what element_shares_clean looks symbols up in)."""
    return {e.symbol.lower(): e for e in Element.objects.all()}


def element_shares_clean(
    elements: ElementShares | None, *, known: dict[str, Element] | None = None
) -> list[tuple[Element, Decimal | None]]:
    """Symbols (any case) to Element rows with optional content shares, or a field error.

    No elements is allowed: a composition not yet known is recorded as such, and the method
    then holds the case at least high until it is declared ("unknown is never better than
    known", DOMAIN second edition)."""
    if not elements:
        return []
    known = known if known is not None else elements_known()
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


OWNER_PERMISSION = "shipments.change_case"


def owner_errors(owner) -> dict[str, list[str]]:
    """The owner rule, for every path (pages, imports, API): a case is owned by an active
    person who may change cases (a compliance officer), never by a viewer."""
    if owner is None:
        return {}
    if not owner.is_active or not owner.has_perm(OWNER_PERMISSION):
        name = owner.get_username()
        return {"owner": [f"{name} cannot own cases: only a compliance officer can."]}
    return {}


def _validate_case(
    case: Case, *, exclude_pk: int | None = None, existing_references: set[str] | None = None
) -> dict[str, list[str]]:
    """Field-keyed errors from our own checks first, then the model's validation.

    `existing_references` (lower-cased) replaces the per-case uniqueness query for imports.
    """
    errors: dict[str, list[str]] = {}
    if case.reference:
        case.reference = case.reference.strip()
        if existing_references is not None:
            taken = case.reference.lower() in existing_references
        else:
            clash = Case.objects.filter(reference__iexact=case.reference)
            if exclude_pk:
                clash = clash.exclude(pk=exclude_pk)
            taken = clash.exists()
        if taken:
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
    if case.technology_item_id and case.product_form != "technology":
        errors["technology_item"] = [
            "A technology item classifies a technology export only: clear it, or set the "
            "product form to technology."
        ]
    # A related row the caller already loaded exists: skip the model's one query per
    # foreign key (the database constraint still holds). The model's one check constraint
    # (quantity above zero) is checked above with a better message; Django would ask the
    # database for it, a query per case, which an import of 50,000 rows cannot afford.
    loaded = [
        f.name
        for f in Case._meta.concrete_fields
        if f.is_relation and f.is_cached(case) and getattr(f.get_cached_value(case), "pk", None)
    ]
    try:
        case.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, msgs)
    return errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)

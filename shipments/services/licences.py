"""Licence records: recording and changing them, and re-assessing the cases that draw on
one when what they consume moves.

A licence's cases consume its quantity in ship order (shipments.selectors.
licence_consumption): changing one case's quantity, ship date, status or licence changes
what the cases after it find consumed, so those are re-assessed with it
(`licence_siblings_assess`); changing the record re-assesses all its active cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from registry.choices import ProductForm
from shipments.models import Licence
from shipments.ports import cases_assess
from shipments.selectors import licence_consumption, licence_open_case_ids
from shipments.services._common import _raise, elements_known

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# What a person records about a licence, in the order forms and the API present it.
LICENCE_FIELDS = (
    "number",
    "holder",
    "holder_uscc",
    "pathway",
    "status",
    "applied_on",
    "decided_on",
    "valid_from",
    "valid_until",
    "items",
    "forms",
    "quantity_kg",
    "value",
    "currency",
    "named_parties",
    "note",
)
# Case fields whose change moves what a licence's other cases find consumed.
CONSUMPTION_FIELDS = frozenset({"quantity_kg", "planned_ship_date", "status", "licence_record"})


def _symbols_clean(values: Iterable[Any]) -> tuple[list[str], list[str]]:
    known = elements_known()
    symbols, unknown = [], []
    for raw in values or ():
        element = known.get(str(raw).strip().lower())
        if element is None:
            unknown.append(str(raw).strip())
        elif element.symbol not in symbols:
            symbols.append(element.symbol)
    return symbols, unknown


def _licence_clean(licence: Licence) -> None:
    """Field-keyed errors: element symbols, product forms, named parties, the dates, then
    the model's own validation."""
    errors: dict[str, list[str]] = {}
    licence.number = (licence.number or "").strip()
    if not isinstance(licence.items, list):
        errors["items"] = ['Give the element symbols as a list, e.g. ["Dy", "Tb"].']
    else:
        symbols, unknown = _symbols_clean(licence.items)
        if unknown:
            errors["items"] = [f"Not a rare earth element: {', '.join(unknown)}."]
        licence.items = symbols
    if not isinstance(licence.forms, list):
        errors["forms"] = ['Give the product forms as a list, e.g. ["oxide"].']
    else:
        bad = [str(f) for f in licence.forms if f not in ProductForm.values]
        if bad:
            errors["forms"] = [
                f"Unknown product form: {', '.join(bad)}; use {', '.join(ProductForm.values)}."
            ]
    if not isinstance(licence.named_parties, list) or not all(
        isinstance(n, str) for n in licence.named_parties
    ):
        errors["named_parties"] = ["Give the named customers and end users as a list of names."]
    else:
        licence.named_parties = [n.strip() for n in licence.named_parties if n.strip()]
        if licence.named_parties and licence.pathway != "general":
            errors["named_parties"] = ["Only a general licence names customers and end users."]
    if licence.currency:
        licence.currency = licence.currency.strip().upper()
    if licence.value is not None and not licence.currency:
        errors["currency"] = ["Give the currency of the value, e.g. USD."]
    if licence.quantity_kg is not None and Decimal(str(licence.quantity_kg)) <= 0:
        errors["quantity_kg"] = ["A licence quantity is more than zero; leave it empty for none."]
    if licence.valid_from and licence.valid_until and licence.valid_until < licence.valid_from:
        errors["valid_until"] = ["A licence cannot end before it starts."]
    if licence.applied_on and licence.decided_on and licence.decided_on < licence.applied_on:
        errors["decided_on"] = ["A licence cannot be decided before it was applied for."]
    clash = Licence.objects.filter(number__iexact=licence.number)
    if licence.pk:
        clash = clash.exclude(pk=licence.pk)
    if licence.number and clash.exists():
        errors["number"] = [f"A licence numbered {licence.number} is already recorded."]
    try:
        licence.full_clean(exclude=list(errors), validate_unique=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)
    _raise(errors)


@transaction.atomic
def licence_create(*, actor: AbstractBaseUser, **fields: Any) -> Licence:
    """Record a licence (LICENCE_FIELDS); its history row names the actor."""
    unknown = sorted(set(fields) - set(LICENCE_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a licence field."))
    licence = Licence(created_by=actor, **fields)
    _licence_clean(licence)
    licence._history_user = actor  # type: ignore[attr-defined]
    licence.save()
    return licence


@transaction.atomic
def licence_update(
    *, licence: Licence, actor: AbstractBaseUser, changes: Mapping[str, Any]
) -> Licence:
    """Change a licence record; its active cases are re-assessed (their licence facts come
    from it). Nothing changed: nothing saved or re-assessed."""
    unknown = sorted(set(changes) - set(LICENCE_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    changed = [name for name in LICENCE_FIELDS if name in changes]
    changed = [name for name in changed if getattr(licence, name) != changes[name]]
    if not changed:
        return licence
    for name in changed:
        setattr(licence, name, changes[name])
    _licence_clean(licence)
    licence._history_user = actor  # type: ignore[attr-defined]
    licence._change_reason = "Changed: " + ", ".join(changed)  # type: ignore[attr-defined]
    licence.save()
    case_ids = licence_open_case_ids([licence.pk])
    if case_ids:
        cases_assess(case_ids=case_ids, trigger="edited", actor=actor)
    return licence


@transaction.atomic
def licence_delete(*, licence: Licence, actor: AbstractBaseUser) -> None:
    """Delete a licence recorded by mistake; refused while any case draws on it."""
    try:
        licence._history_user = actor  # type: ignore[attr-defined]
        licence.delete()
    except ProtectedError as exc:
        count = len(exc.protected_objects)
        raise ValidationError(
            {
                "number": [
                    f"{count} case{'s' if count != 1 else ''} draw on this licence: move "
                    "them to another licence (or none) first."
                ]
            }
        ) from exc


def licence_consumption_snapshot(licence_ids: Iterable[int | None]) -> dict[int, Decimal]:
    """What every case on these licences finds consumed now: taken before a change, to
    compare with after it (`licence_siblings_assess`)."""
    return licence_consumption([i for i in licence_ids if i])


def licence_siblings_assess(
    *,
    licence_ids: Iterable[int | None],
    before: Mapping[int, Decimal],
    exclude: Iterable[int],
    actor: AbstractBaseUser | None,
) -> list[int]:
    """Re-assess the active cases on these licences (but `exclude`, the cases the caller
    assesses itself) whose consumption moved since `before`. Returns their ids."""
    ids = [i for i in set(licence_ids) if i]
    if not ids:
        return []
    after = licence_consumption(ids)
    moved = [
        pk
        for pk in licence_open_case_ids(ids, exclude=exclude)
        if after.get(pk, Decimal(0)) != before.get(pk, Decimal(0))
    ]
    if moved:
        cases_assess(case_ids=moved, trigger="edited", actor=actor)
    return moved

"""Helpers the registry services share: field diffs and the keys a scope implies."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from registry.choices import ProductForm, QuotaCategory, QuotaKind
from registry.models import Element, ProducerGroup

SEPARATED_FORMS = [
    ProductForm.OXIDE,
    ProductForm.COMPOUND,
    ProductForm.METAL,
    ProductForm.ALLOY,
    ProductForm.TARGET,
    ProductForm.MAGNET,
]


def field_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields}


def apply_changes(instance: models.Model, changes: dict[str, Any]) -> dict[str, dict]:
    """Set attributes, refusing unknown fields; return {field: {"old", "new"}} for real changes."""
    names = {f.name for f in instance._meta.get_fields()} | {
        f.attname for f in instance._meta.concrete_fields
    }
    unknown = sorted(set(changes) - names)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Unknown field."))
    diff: dict[str, dict] = {}
    for field, new in changes.items():
        model_field = instance._meta.get_field(field) if field in names else None
        if model_field is not None and getattr(model_field, "many_to_one", False):
            # Compare foreign keys by id: a new instance has no related object to read.
            old = getattr(instance, model_field.attname)
            new_id = new.pk if isinstance(new, models.Model) else new
            if old != new_id:
                diff[field] = {"old": old, "new": new_id}
                setattr(instance, field, new)
            continue
        old = getattr(instance, field)
        if old != new:
            diff[field] = {"old": old, "new": new}
            setattr(instance, field, new)
    return diff


def group_ids_with_predecessors(group: ProducerGroup | None) -> list[int]:
    """The group and every group absorbed into it, directly or through others."""
    if group is None:
        return []
    ids, frontier = {group.pk}, [group.pk]
    while frontier:
        nxt = list(
            ProducerGroup.objects.filter(successor_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.update(nxt)
        frontier = nxt
    return sorted(ids)


def category_elements(category: str) -> list[str]:
    if category == QuotaCategory.TOTAL:
        return []
    return sorted(Element.objects.filter(quota_category=category).values_list("symbol", flat=True))


def kind_forms(kind: str) -> list[str]:
    return (
        [ProductForm.ORE.value] if kind == QuotaKind.MINING else [f.value for f in SEPARATED_FORMS]
    )


def window_union(
    a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None
) -> tuple[date | None, date | None]:
    """The smallest [from, to) covering both windows; None means open on that side."""
    starts = [a_from, b_from]
    start = None if None in starts else min(starts)
    ends = [a_to, b_to]
    end = None if None in ends else max(ends)
    return start, end


def year_start(year: int) -> date:
    return date(year, 1, 1)

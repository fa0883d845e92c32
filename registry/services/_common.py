"""Helpers the registry services share: field diffs (the keys are in keys.py)."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


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

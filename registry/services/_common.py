"""Helpers the registry services share: field diffs and a validated save that reports
what it changed (the keys are in keys.py)."""

from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Saved:
    """What `validated_save` wrote: the row as it was (None when new), its recorded fields
    before (None when new) and after, and the names of the fields that changed."""

    old: Any
    before: dict[str, Any] | None
    after: dict[str, Any]
    changed: list[str]

    @property
    def verb(self) -> str:
        return "added" if self.before is None else f"changed ({', '.join(self.changed)})"


def validated_save(instance: models.Model, fields: Iterable[str], actor) -> Saved:
    """full_clean() and save `instance` (a new row or an edited one), with `actor` on its
    history row; `changed` is empty when no field in `fields` moved."""
    fields = tuple(fields)
    model = type(instance)
    old = model.objects.filter(pk=instance.pk).first() if instance.pk else None
    before = field_values(old, fields) if old is not None else None
    if actor is not None:
        instance._history_user = actor
    instance.full_clean()
    instance.save()
    after = field_values(instance, fields)
    changed = sorted(f for f in after if before is None or before[f] != after[f])
    return Saved(old, before, after, changed)

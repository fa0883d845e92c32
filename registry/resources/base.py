"""The base of every reference-data resource (django-import-export 4.x).

Every resource runs `full_clean()` on each row (clean_model_instances) and rolls the whole
import back when any row is invalid, so a file with one bad row changes nothing and the
result names the row and the field. Imports that can move assessments record one
ReferenceChange per file, after the rows are saved, in the same transaction, with keys
computed by the same functions the services use (registry/services/keys.py).
"""

from collections.abc import Iterable

from django.forms.models import model_to_dict
from import_export import fields, widgets

from registry.exports import SafeExportResource
from registry.models import ReferenceChange
from registry.services import reference_change_record
from registry.services.keys import ChangeKeys


class ListWidget(widgets.Widget):
    """A JSON list as one cell: values separated by ';' (or ',' when there is no ';')."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return []
        text = str(value)
        sep = ";" if ";" in text else ","
        return [v.strip() for v in text.split(sep) if v.strip()]

    def render(self, value, obj=None, **kwargs):
        return "; ".join(str(v) for v in value or [])


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """ManyToManyWidget that refuses values it cannot find instead of dropping them, so a
    typo such as "Xx" for an element is a named row error, not a silently narrower scope."""

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row=row, **kwargs)
        if not value:
            return found
        wanted = {v.strip() for v in str(value).split(self.separator) if v.strip()}
        known = {str(getattr(obj, self.field)) for obj in found}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(
                f"Unknown {self.model._meta.verbose_name} {', '.join(unknown)}; "
                f"use {self.field} values that exist."
            )
        return found


class JSONListField(fields.Field):
    def __init__(self, attribute, **kwargs):
        super().__init__(attribute=attribute, column_name=attribute, widget=ListWidget(), **kwargs)


class RegistryResource(SafeExportResource):
    """Base: validate every row, all-or-nothing, and a hook to record the reference change."""

    change_kind: str | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._saved: list = []
        self._old: dict[int, dict] = {}

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # One invalid row rolls back the others too (the default would keep the valid ones).
        kwargs.setdefault("rollback_on_validation_errors", True)
        self._saved, self._old = [], {}
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            self._old[id(instance)] = model_to_dict(instance)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "pk", None):
            instance._history_user = user

    def after_save_instance(self, instance, row, **kwargs):
        self._saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        if self._saved:
            self.record_change(
                self._saved, actor=kwargs.get("user"), file_name=kwargs.get("file_name")
            )

    def old_values(self, instance) -> dict | None:
        return self._old.get(id(instance))

    def change_details(self, instances: Iterable, file_name: str | None) -> dict:
        rows = []
        for obj in instances:
            new = model_to_dict(obj)
            old = self.old_values(obj)
            changed = {
                k: {"old": (old or {}).get(k), "new": v}
                for k, v in new.items()
                if old is None or old.get(k) != v
            }
            rows.append(
                {"id": obj.pk, "repr": str(obj), "created": old is None, "changes": changed}
            )
        return {"import_file": file_name or "", "rows": rows}

    def record_change(self, instances: list, *, actor, file_name) -> ReferenceChange | None:
        """Override where an import can move assessments: compute the keys with the
        registry's own key functions (registry/services/keys.py) and call `record`."""
        return None

    def record(
        self, *, kind: str, summary: str, instances: list, keys: ChangeKeys, actor, file_name
    ) -> ReferenceChange:
        return reference_change_record(
            kind=kind,
            summary=summary,
            actor=actor,
            details=self.change_details(instances, file_name),
            keys=keys,
        )

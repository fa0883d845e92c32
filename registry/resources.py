"""CSV/XLSX import and export of reference data (django-import-export 4.x).

Every resource runs `full_clean()` on each row (clean_model_instances) and rolls the whole
import back when any row is invalid, so a file with one bad row changes nothing and the
result names the row and the field. Imports that can move assessments record one
ReferenceChange per file, after the rows are saved, in the same transaction.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from import_export import fields, widgets

from registry.choices import ChangeKind, ListVersionStatus
from registry.exports import SafeExportResource
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Authority,
    CalendarDay,
    Element,
    HolidayNotice,
    HSCode,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    QuotaUtilisation,
    ReferenceChange,
    Suspension,
    WatchList,
    WatchListEntry,
)
from registry.services import allocation_change_record, reference_change_record
from registry.services._common import group_ids_with_predecessors, year_start
from registry.services.lists import PUBLISHED_IS_IMMUTABLE
from registry.services.quotas import allocation_keys


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
        """Override where an import can move assessments."""
        return None


class AuthorityResource(RegistryResource):
    class Meta:
        model = Authority
        import_id_fields = ("code",)
        fields = ("code", "name", "name_zh")
        clean_model_instances = True
        skip_unchanged = True


class ElementResource(RegistryResource):
    class Meta:
        model = Element
        import_id_fields = ("symbol",)
        fields = (
            "symbol", "name", "atomic_number", "family", "quota_category",
            "control_code", "control_code_confidence",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True


class HSCodeResource(RegistryResource):
    elements = fields.Field(
        attribute="elements",
        column_name="elements",
        widget=StrictManyToManyWidget(Element, field="symbol", separator=","),
    )

    class Meta:
        model = HSCode
        import_id_fields = ("code",)
        fields = ("code", "description", "form", "elements", "confidence")
        clean_model_instances = True
        skip_unchanged = True


class _ScopeKeys:
    """The elements, forms and date window that imported measure or suspension rows touch.
    A row with no element (or form) scope touches every element (or form), so that key is
    then left empty, which cases_affected_by reads as "any"."""

    def __init__(self) -> None:
        self.elements: set[str] = set()
        self.forms: set[str] = set()
        self.starts: list = []
        self.ends: list = []
        self.any_element = self.any_form = False

    def add(self, *, elements: Iterable[str], forms: Iterable[str], starts: list, ends: list):
        elements, forms = set(elements), set(forms)
        self.any_element |= not elements
        self.any_form |= not forms
        self.elements |= elements
        self.forms |= forms
        self.starts += starts
        self.ends += ends

    def record(self, **change) -> ReferenceChange:
        return reference_change_record(
            **change,
            elements=[] if self.any_element else self.elements,
            forms=[] if self.any_form else self.forms,
            date_from=min(self.starts),
            date_to=None if None in self.ends else max(self.ends),
        )


class MeasureResource(RegistryResource):
    layers = JSONListField("layers")
    forms = JSONListField("forms")
    hs_codes = JSONListField("hs_codes")
    elements = fields.Field(
        attribute="elements",
        column_name="elements",
        widget=StrictManyToManyWidget(Element, field="symbol", separator=","),
    )
    issuers = fields.Field(
        attribute="issuers",
        column_name="issuers",
        widget=StrictManyToManyWidget(Authority, field="code", separator=","),
    )

    class Meta:
        model = Measure
        import_id_fields = ("key",)
        fields = (
            "key", "title", "issuers", "layers", "elements", "forms", "hs_codes", "published_on",
            "effective_from", "effective_to", "summary", "scope_notes", "source", "confidence",
            "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        keys = _ScopeKeys()
        for m in instances:
            old = self.old_values(m) or {}
            keys.add(
                elements=m.elements.values_list("symbol", flat=True),
                forms=m.forms,
                starts=[m.effective_from, old.get("effective_from") or m.effective_from],
                ends=[m.effective_to, old.get("effective_to") if old else m.effective_to],
            )
            # What the measure covered before the import is affected too.
            keys.elements |= {e.symbol for e in old.get("elements", [])}
            keys.forms |= set(old.get("forms") or [])
        return keys.record(
            kind=ChangeKind.MEASURE,
            summary=f"{len(instances)} measure(s) imported",
            actor=actor,
            details=self.change_details(instances, file_name),
        )


class SuspensionResource(RegistryResource):
    measure = fields.Field(
        attribute="measure", column_name="measure", widget=widgets.ForeignKeyWidget(Measure, "key")
    )
    suspended_by = fields.Field(
        attribute="suspended_by",
        column_name="suspended_by",
        widget=widgets.ForeignKeyWidget(Measure, "key"),
    )

    class Meta:
        model = Suspension
        fields = ("id", "measure", "suspended_by", "starts_on", "ends_on", "note")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        keys = _ScopeKeys()
        for s in instances:
            old = self.old_values(s) or {}
            keys.add(
                elements=s.measure.elements.values_list("symbol", flat=True),
                forms=s.measure.forms,
                starts=[s.starts_on, old.get("starts_on") or s.starts_on],
                ends=[s.ends_on, old.get("ends_on") if old else s.ends_on],
            )
        return keys.record(
            kind=ChangeKind.SUSPENSION,
            summary=f"{len(instances)} suspension(s) imported",
            actor=actor,
            details=self.change_details(instances, file_name),
        )


class ProducerGroupResource(RegistryResource):
    successor = fields.Field(
        attribute="successor",
        column_name="successor",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )

    class Meta:
        model = ProducerGroup
        import_id_fields = ("key",)
        fields = (
            "key", "name", "name_zh", "listing", "successor", "absorbed_on", "notes", "source",
            "confidence", "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        moved = [
            g
            for g in instances
            if (old := self.old_values(g)) is not None
            and (old.get("successor") != g.successor_id or old.get("absorbed_on") != g.absorbed_on)
        ]
        if not moved:
            return None
        group_ids = {pk for g in moved for pk in group_ids_with_predecessors(g)}
        group_ids |= {g.successor_id for g in moved if g.successor_id}
        return reference_change_record(
            kind=ChangeKind.PRODUCER,
            summary=f"{len(moved)} producer group succession(s) changed by import",
            actor=actor,
            details=self.change_details(moved, file_name),
            group_ids=group_ids,
        )


class ProducerResource(RegistryResource):
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )
    aliases = JSONListField("aliases")

    class Meta:
        model = Producer
        fields = (
            "id", "group", "kind", "name_en", "name_zh", "aliases", "uscc", "province", "notes",
            "confidence", "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        moved = [
            p
            for p in instances
            if (old := self.old_values(p)) is not None and old.get("group") != p.group_id
        ]
        if not moved:
            return None
        return reference_change_record(
            kind=ChangeKind.PRODUCER,
            summary=f"{len(moved)} producer(s) moved to another group by import",
            actor=actor,
            details=self.change_details(moved, file_name),
            producer_ids=[p.pk for p in moved],
        )


class ApprovedListVersionResource(RegistryResource):
    class Meta:
        model = ApprovedListVersion
        import_id_fields = ("label",)
        fields = ("label", "status", "effective_from", "source_document", "notes", "is_demo")
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs):
        if instance.pk and instance.is_published:
            raise ValidationError({"label": PUBLISHED_IS_IMMUTABLE})
        super().import_instance(instance, row, **kwargs)
        if instance.status != ListVersionStatus.DRAFT:
            raise ValidationError({"status": "Import drafts only; publish from the admin."})


class ApprovedListEntryResource(RegistryResource):
    """Entries of a draft version; rows for a published version are refused."""

    version = fields.Field(
        attribute="version",
        column_name="version",
        widget=widgets.ForeignKeyWidget(ApprovedListVersion, "label"),
    )
    producer = fields.Field(
        attribute="producer", column_name="producer", widget=widgets.ForeignKeyWidget(Producer)
    )
    producer_name = fields.Field(
        attribute="producer__name_en", column_name="producer_name", readonly=True
    )

    class Meta:
        model = ApprovedListEntry
        import_id_fields = ("version", "producer")
        fields = ("version", "producer", "producer_name", "status", "note")
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        version = getattr(instance, "version", None) if instance.version_id else None
        if version is not None and version.is_published:
            raise ValidationError({"version": PUBLISHED_IS_IMMUTABLE})

    # Entries change only drafts, which no assessment reads: the reference change is
    # recorded when the draft is published (registry.services.approved_list_publish).


class QuotaCycleResource(RegistryResource):
    class Meta:
        model = QuotaCycle
        import_id_fields = ("year",)
        fields = (
            "year", "published", "confidence", "mining_total", "smelting_total", "notes", "source",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        return reference_change_record(
            kind=ChangeKind.QUOTA_CYCLE,
            summary=f"{len(instances)} quota cycle(s) imported",
            actor=actor,
            details=self.change_details(instances, file_name),
            date_from=year_start(min(c.year for c in instances)),
        )


class CycleYearWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(QuotaCycle, "year")


class QuotaBatchResource(RegistryResource):
    cycle = fields.Field(attribute="cycle", column_name="year", widget=CycleYearWidget())

    class Meta:
        model = QuotaBatch
        import_id_fields = ("cycle", "number")
        fields = (
            "cycle", "number", "issued_on", "notice_number", "mining_total", "smelting_total",
            "confidence", "notes",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        return reference_change_record(
            kind=ChangeKind.QUOTA_BATCH,
            summary=f"{len(instances)} quota batch(es) imported",
            actor=actor,
            details=self.change_details(instances, file_name),
            date_from=year_start(min(b.cycle.year for b in instances)),
        )


class QuotaAllocationResource(RegistryResource):
    """Columns: year, batch (number), group (key), kind, category, tonnes, confidence, source."""

    year = fields.Field(attribute="batch__cycle__year", column_name="year", readonly=True)
    batch_number = fields.Field(attribute="batch__number", column_name="batch", readonly=True)
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )
    batch = fields.Field(
        attribute="batch", column_name="batch_id", widget=widgets.ForeignKeyWidget(QuotaBatch)
    )

    class Meta:
        model = QuotaAllocation
        import_id_fields = ("batch", "group", "kind", "category")
        fields = (
            "year", "batch_number", "group", "kind", "category", "tonnes", "confidence", "source",
            "batch",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def get_export_fields(self, selected_fields=None):
        return [
            f for f in super().get_export_fields(selected_fields) if f.column_name != "batch_id"
        ]

    def before_import(self, dataset, **kwargs):
        """Resolve each row's batch from its year and batch columns into a batch_id column."""
        super().before_import(dataset, **kwargs)
        if "batch_id" in (dataset.headers or []):
            return
        batches = {
            (b.cycle.year, b.number): b.pk for b in QuotaBatch.objects.select_related("cycle")
        }
        year_col, batch_col = dataset.headers.index("year"), dataset.headers.index("batch")

        def batch_id(row):
            try:
                return batches.get((int(row[year_col]), int(row[batch_col])), "")
            except (TypeError, ValueError):
                return ""

        dataset.append_col(batch_id, header="batch_id")

    def before_import_row(self, row, **kwargs):
        if not row.get("batch_id"):
            raise ValidationError(
                {"batch": f"There is no batch {row.get('batch')} in the {row.get('year')} cycle."}
            )

    def record_change(self, instances, *, actor, file_name):
        return allocation_change_record(
            allocations=instances, actor=actor, details=self.change_details(instances, file_name)
        )


class QuotaUtilisationResource(RegistryResource):
    cycle = fields.Field(attribute="cycle", column_name="year", widget=CycleYearWidget())
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )

    class Meta:
        model = QuotaUtilisation
        import_id_fields = ("cycle", "group", "kind", "category", "reported_on")
        fields = ("cycle", "group", "kind", "category", "reported_on", "tonnes_used", "source")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        keys = {"group_ids": set(), "elements": set(), "forms": set()}
        any_total = False
        for u in instances:
            k = allocation_keys(group=u.group, kind=u.kind, category=u.category, year=u.cycle.year)
            any_total |= not k["elements"]
            for name in keys:
                keys[name].update(k[name])
        return reference_change_record(
            kind=ChangeKind.QUOTA_UTILISATION,
            summary=f"{len(instances)} quota utilisation report(s) imported",
            actor=actor,
            details=self.change_details(instances, file_name),
            group_ids=keys["group_ids"],
            elements=[] if any_total else keys["elements"],
            forms=keys["forms"],
            date_from=year_start(min(u.cycle.year for u in instances)),
        )


class WatchListResource(RegistryResource):
    class Meta:
        model = WatchList
        import_id_fields = ("key",)
        fields = (
            "key",
            "name",
            "name_zh",
            "issuer",
            "jurisdiction",
            "version_date",
            "effect",
            "source",
        )
        clean_model_instances = True
        skip_unchanged = True


class WatchListEntryResource(RegistryResource):
    watch_list = fields.Field(
        attribute="watch_list",
        column_name="watch_list",
        widget=widgets.ForeignKeyWidget(WatchList, "key"),
    )
    aliases = JSONListField("aliases")

    class Meta:
        model = WatchListEntry
        import_id_fields = ("watch_list", "name")
        fields = (
            "watch_list", "name", "name_zh", "aliases", "country", "status", "suspended_until",
            "date_added", "effective_on", "announcement", "confidence", "note", "source", "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        names: list[str] = []
        for e in instances:
            old = self.old_values(e) or {}
            names += [old.get("name"), old.get("name_zh"), *(old.get("aliases") or [])]
            names += e.all_names()
        lists = sorted({e.watch_list.name for e in instances})
        return reference_change_record(
            kind=ChangeKind.WATCH_LIST,
            summary=f"{', '.join(lists)}: {len(instances)} entries imported",
            actor=actor,
            details=self.change_details(instances, file_name),
            party_names=[n for n in names if n],
        )


class HolidayNoticeResource(RegistryResource):
    class Meta:
        model = HolidayNotice
        import_id_fields = ("year",)
        fields = ("year", "title", "doc_no", "published_on", "source", "confidence")
        clean_model_instances = True
        skip_unchanged = True


class CalendarDayResource(RegistryResource):
    class Meta:
        model = CalendarDay
        import_id_fields = ("date",)
        fields = ("date", "kind", "name")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        first: date = min(d.date for d in instances)
        return reference_change_record(
            kind=ChangeKind.CALENDAR,
            summary=f"Working-day calendar: {len(instances)} day(s) imported from {first}",
            actor=actor,
            details=self.change_details(instances, file_name),
            date_from=first,
        )


class ReferenceChangeResource(SafeExportResource):
    """Export only: the audit trail of reference changes."""

    class Meta:
        model = ReferenceChange
        fields = (
            "id", "created_at", "kind", "summary", "actor__username", "status", "affected_count",
            "done_count", "band_changed_count", "producer_ids", "group_ids", "elements", "forms",
            "date_from", "date_to", "party_names",
        )  # fmt: skip

"""The case form's parties and upstream-sources formsets: plain forms whose rows become the
dicts that case_create / case_update take, and the services' row errors ("Party 2 (uscc):
...") put back on the row and field the page shows."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from method.choices import UPSTREAM_KINDS
from registry.models import Producer

from .choices import OreCategory, PartyRole, SourceEvidence
from .models import Case

_TEXT = {"autocomplete": "off", "spellcheck": "false"}
# The service's row messages: "Party 2 (uscc): ..." / "Source 1 (elements): ...".
_ROW_MESSAGE = re.compile(
    r"^(?P<what>Party|Source) (?P<n>\d+)(?: \((?P<field>\w+)\))?: (?P<text>.*)$"
)
REQUIRED_ROLES = ("buyer", "exporter", "end_user")


def _producer_named(name: str, *, pk: int | None, upstream: bool) -> list[Producer]:
    """The registry records a typed name means: the suggestion picked (its id) while the
    text still names it, else every record of that exact name (English or Chinese)."""
    if pk:
        chosen = Producer.objects.select_related("group").filter(pk=pk).first()
        if chosen and name.casefold() in (chosen.name_en.casefold(), chosen.name_zh.casefold()):
            return [chosen]
    found = list(
        Producer.objects.select_related("group").filter(Q(name_en__iexact=name) | Q(name_zh=name))
    )
    if upstream and len(found) > 1:
        found = [p for p in found if p.kind in UPSTREAM_KINDS] or found
    return found


class _RowForm(forms.Form):
    """A formset row: every field optional, a row left blank is no row at all."""

    # Fields whose emptiness makes a row blank (a preset role or ore does not count).
    content_fields: tuple[str, ...] = ()
    # The service's field names -> this form's, for its row messages.
    service_fields: dict[str, str] = {}
    what = ""

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not any(data.get(name) for name in self.content_fields)

    def is_removed(self) -> bool:
        return bool((getattr(self, "cleaned_data", None) or {}).get("DELETE"))

    def registry_record(self) -> Producer | None:
        """The registry producer the row names (as checked, or as saved on the case)."""
        if self.is_bound:
            return (getattr(self, "cleaned_data", None) or {}).get("registry")
        return self.initial.get("registry")

    def declared_plant(self) -> str:
        """A plant typed that is not in the registry (sources only)."""
        if self.is_bound:
            return (getattr(self, "cleaned_data", None) or {}).get("plant_name", "")
        return "" if self.initial.get("registry") else self.initial.get("plant", "")


class PartyForm(_RowForm):
    role = forms.ChoiceField(choices=[("", "Role…"), *PartyRole.choices], required=False)
    name = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "list": "party-options", "data-lookup": "parties"}),
    )
    country = forms.CharField(
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "size": 3, "maxlength": 2, "class": "cc"}),
        help_text="ISO code, e.g. DE",
    )
    uscc = forms.CharField(
        label="USCC",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "maxlength": 18, "class": "mono"}),
        help_text="Chinese parties: 18 characters",
    )
    lei = forms.CharField(
        label="LEI",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "maxlength": 20, "class": "mono"}),
    )
    registry_number = forms.CharField(
        label="Registry no.", max_length=60, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    record = forms.CharField(
        label="Registry record",
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={**_TEXT, "list": "record-options", "data-lookup": "producers"}
        ),
        help_text="The registry's entry, e.g. the magnet maker; optional",
    )
    producer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    content_fields = ("name", "uscc", "lei", "registry_number", "record")
    service_fields = {"producer": "record"}
    what = "Party"

    def clean(self):
        cleaned = super().clean()
        if self.is_blank() or self.is_removed():
            return cleaned
        if not cleaned.get("role"):
            self.add_error("role", "Choose the party's role.")
        if not cleaned.get("name"):
            self.add_error("name", "Give the party's name.")
        cleaned["registry"] = None
        record = (cleaned.get("record") or "").strip()
        if record:
            found = _producer_named(record, pk=cleaned.get("producer"), upstream=False)
            if not found:
                self.add_error(
                    "record",
                    f"No registry record is named “{record}”: pick one of the suggestions or "
                    f"leave it empty.",
                )
            elif len(found) > 1:
                self.add_error(
                    "record", f"Several registry records are named “{record}”: pick one."
                )
            else:
                cleaned["registry"] = found[0]
        return cleaned

    def service_row(self) -> dict:
        d = self.cleaned_data
        return {
            "role": d["role"],
            "name": d["name"].strip(),
            "country": d["country"].strip().upper(),
            "uscc": d["uscc"].strip().upper(),
            "lei": d["lei"].strip().upper(),
            "registry_number": d["registry_number"].strip(),
            "producer": d.get("registry"),
        }


class SourceForm(_RowForm):
    label = forms.CharField(
        label="Input",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "placeholder": "e.g. NdPr", "class": "short"}),
        help_text="An element or group, e.g. NdPr",
    )
    elements = forms.CharField(
        max_length=80,
        required=False,
        widget=forms.TextInput(
            attrs={**_TEXT, "placeholder": "from input", "class": "short", "data-symbols": "1"}
        ),
        help_text="Symbols; blank: read from the input",
    )
    plant = forms.CharField(
        label="Plant (or mine)",
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={
                **_TEXT,
                "list": "plant-options",
                "data-lookup": "producers",
                "data-upstream": "1",
            }
        ),
        help_text="Pick from the registry; a name not in it is kept as declared",
    )
    producer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ore_category = forms.ChoiceField(
        label="Ore",
        choices=[("", "not declared"), *OreCategory.choices],
        required=False,
    )
    production_year = forms.IntegerField(
        label="Year",
        required=False,
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "year"}),
        error_messages={
            "min_value": "A production year from 1990.",
            "max_value": "A production year up to 2100.",
            "invalid": "A year such as 2026.",
        },
    )
    evidence = forms.MultipleChoiceField(
        choices=SourceEvidence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Documents that show where it came from",
    )
    note = forms.CharField(max_length=300, required=False, widget=forms.TextInput(attrs=_TEXT))

    content_fields = ("label", "elements", "plant", "production_year", "evidence", "note")
    service_fields = {"producer": "plant", "plant_name": "plant"}
    what = "Source"

    def clean(self):
        cleaned = super().clean()
        if self.is_blank() or self.is_removed():
            return cleaned
        label = (cleaned.get("label") or "").strip()
        typed = (cleaned.get("elements") or "").replace(",", " ").replace(";", " ").split()
        # "NdPr" names Nd and Pr: read the symbols off the input when none are typed.
        cleaned["symbols"] = typed or re.findall(r"[A-Z][a-z]?", label)
        if not cleaned["symbols"]:
            self.add_error("elements", "Name the element(s) it supplies, e.g. Nd Pr.")
        plant = (cleaned.get("plant") or "").strip()
        cleaned["registry"], cleaned["plant_name"] = None, ""
        if not plant:
            self.add_error("plant", "Name the separation plant (or mine) it came from.")
        else:
            found = _producer_named(plant, pk=cleaned.get("producer"), upstream=True)
            if len(found) == 1:
                cleaned["registry"] = found[0]
            elif len(found) > 1:
                self.add_error("plant", f"Several registry records are named “{plant}”: pick one.")
            else:
                cleaned["plant_name"] = plant
        return cleaned

    def service_row(self) -> dict:
        d = self.cleaned_data
        return {
            "label": d["label"].strip(),
            "elements": d["symbols"],
            "producer": d["registry"],
            "plant_name": d["plant_name"],
            "ore_category": d["ore_category"],
            "production_year": d["production_year"],
            "evidence": list(d["evidence"]),
            "note": d["note"].strip(),
        }


class _RowFormSet(forms.BaseFormSet):
    """Rows to the service's list of dicts, and the service's row messages back to rows."""

    add_label = ""

    def rows(self) -> list[tuple[forms.Form, int | None]]:
        """Each form with the number the page shows for it (None: removed)."""
        out, number = [], 0
        for form in self.forms:
            removed = self.can_delete and bool(form["DELETE"].value())
            if removed:
                out.append((form, None))
            else:
                number += 1
                out.append((form, number))
        return out

    def _sent(self) -> list[tuple[forms.Form, int]]:
        """The rows sent to the service, in order, with the number the page shows (fixed
        when first asked: errors added later must not move a row's number)."""
        if not hasattr(self, "_sent_rows"):
            self._sent_rows = [
                (form, number)
                for form, number in self.rows()
                if number is not None and not form.is_blank() and not form.is_removed()
            ]
        return self._sent_rows

    def service_rows(self) -> list[dict]:
        return [form.service_row() for form, _ in self._sent()]

    def add_service_errors(self, messages: list[str]) -> None:
        """Each "Party 2 (uscc): ..." message on the field of the row the service numbered
        2, renumbered as the page shows it; the rest above the formset."""
        sent = self._sent()
        extra: list[str] = []
        for message in messages:
            match = _ROW_MESSAGE.match(message)
            if not match or not 1 <= int(match["n"]) <= len(sent):
                extra.append(message)
                continue
            form, _ = sent[int(match["n"]) - 1]
            field = form.service_fields.get(match["field"] or "", match["field"])
            if field in form.fields:
                form.add_error(field, match["text"])
            else:
                form.add_error(None, match["text"])
        if extra:
            self._non_form_errors = self.error_class(
                [*self.non_form_errors(), *extra], error_class="nonform"
            )

    def error_summary(self) -> list[str]:
        """Every error of the formset, each naming its row ("Party 3, USCC: ...")."""
        summary = list(self.non_form_errors())
        for form, number in self.rows():
            if number is None:
                continue
            for name, errors in form.errors.items():
                where = f"{form.what} {number}"
                if name != "__all__":
                    where += f", {form.fields[name].label or name.replace('_', ' ').capitalize()}"
                summary.extend(f"{where}: {e}" for e in errors if f"{where}: {e}" not in summary)
        return summary


class _PartyFormSet(_RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        roles = {form.cleaned_data["role"] for form, _ in self._sent()}
        missing = [r for r in REQUIRED_ROLES if r not in roles]
        if missing:
            names = [PartyRole(r).label.lower() for r in missing]
            raise ValidationError(
                f"Add the {' and the '.join(names)}: a case names its buyer, exporter and end user."
            )

    def add_service_errors(self, messages: list[str], headline: dict | None = None) -> None:
        """Also the Case row's party-name errors (keyed by role), on that role's row."""
        rows = list(messages)
        for role, errors in (headline or {}).items():
            form_number = next(
                ((form, n) for form, n in self._sent() if form.cleaned_data.get("role") == role),
                None,
            )
            label = PartyRole(role).label
            for error in errors:
                if form_number:
                    form_number[0].add_error("name", error)
                else:
                    rows.append(f"{label}: {error}")
        super().add_service_errors(rows)


PartyFormSet = forms.formset_factory(
    PartyForm, formset=_PartyFormSet, extra=0, can_delete=True, max_num=30, validate_max=True
)
SourceFormSet = forms.formset_factory(
    SourceForm, formset=_RowFormSet, extra=0, can_delete=True, max_num=30, validate_max=True
)
CREATE_ROLES = ("buyer", "exporter", "end_user", "consignee")


def party_initial(case: Case | None) -> list[dict]:
    """The parties formset's rows: the case's parties, then a row for each headline role it
    lacks (its name from the Case row, e.g. a case saved before parties existed)."""
    rows: list[dict] = []
    if case is not None:
        for party in case.parties.all():
            rows.append(
                {
                    "role": party.role,
                    "name": party.name,
                    "country": party.country,
                    "uscc": party.uscc,
                    "lei": party.lei,
                    "registry_number": party.registry_number,
                    "record": party.producer.name_en if party.producer_id else "",
                    "producer": party.producer_id,
                    "registry": party.producer,
                }
            )
    have = {row["role"] for row in rows}
    for role in CREATE_ROLES:
        if role not in have:
            rows.append({"role": role, "name": getattr(case, role, "") if case else ""})
    return rows


def source_initial(case: Case | None) -> list[dict]:
    rows = [
        {
            "label": source.label,
            "elements": " ".join(source.elements),
            "plant": source.producer.name_en if source.producer_id else source.plant_name,
            "producer": source.producer_id,
            "registry": source.producer,
            "ore_category": source.ore_category,
            "production_year": source.production_year,
            "evidence": list(source.evidence),
            "note": source.note,
        }
        for source in (case.sources.all() if case is not None else ())
    ]
    return rows or [{}]


def case_formsets(data=None, *, case: Case | None = None) -> tuple[_PartyFormSet, _RowFormSet]:
    """The case form's two formsets, bound to `data` or starting from the case's rows."""
    if data is not None:
        return PartyFormSet(data, prefix="parties"), SourceFormSet(data, prefix="sources")
    return (
        PartyFormSet(initial=party_initial(case), prefix="parties"),
        SourceFormSet(initial=source_initial(case), prefix="sources"),
    )

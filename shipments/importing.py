"""Parse one spreadsheet row of the case import into case_validate keyword arguments.

A Django form does the parsing so that the import and the web form speak the same
messages; producers, owners and watchers are named by text in a spreadsheet. One
`ImportLookups` per file remembers producers, users and elements already looked up, so a
large file costs a query per distinct name, not per row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from registry.choices import ProductForm
from registry.models import Producer
from registry.validators import validate_country_code, validate_hs_code

from .choices import EndUse, LicenceStatus
from .models import CASE_INPUT_FIELDS

IMPORT_COLUMNS = CASE_INPUT_FIELDS
# Written by the export (shipments.resources), ignored by the import.
IGNORED_COLUMNS = ("band", "score", "status", "assessed_at", "producer_group")
REQUIRED_COLUMNS = (
    "reference",
    "buyer",
    "exporter",
    "product_form",
    "elements",
    "quantity_kg",
    "destination",
    "end_use",
    "end_user",
)
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]


class ImportLookups:
    """Per-file memo of the names a spreadsheet uses (producers, users, elements)."""

    def __init__(self) -> None:
        from .services import elements_known

        self.elements = elements_known()
        self.producers: dict[str, Producer | str] = {}  # text -> producer or error message
        self.users: dict[str, object | None] = {}  # lower-case username -> active user

    def producer(self, text: str) -> Producer:
        key = text.casefold()
        if key not in self.producers:
            try:
                self.producers[key] = _producer_lookup(text)
            except forms.ValidationError as exc:
                self.producers[key] = exc.messages[0]
        found = self.producers[key]
        if isinstance(found, str):
            raise forms.ValidationError(found)
        return found

    def users_named(self, names: list[str]) -> dict[str, object]:
        wanted = [n for n in names if n.lower() not in self.users]
        if wanted:
            for n in wanted:
                self.users[n.lower()] = None
            for u in get_user_model().objects.filter(username__in=wanted, is_active=True):
                self.users[u.get_username().lower()] = u
        return {n.lower(): self.users[n.lower()] for n in names if self.users[n.lower()]}


def _producer_lookup(text: str) -> Producer:
    matches = list(
        Producer.objects.filter(Q(name_en__iexact=text) | Q(name_zh=text) | Q(uscc__iexact=text))[
            :2
        ]
    )
    if not matches:
        # Aliases are a JSON list; SQLite (the one-machine default) has no JSON
        # "contains", and the producer table is small, so match them here.
        folded = text.casefold()
        matches = [
            p
            for p in Producer.objects.only("pk", "aliases", "name_en")
            if any(str(alias).casefold() == folded for alias in p.aliases or [])
        ][:2]
    if not matches:
        raise forms.ValidationError(
            f"Unknown producer “{text}”: use the English or Chinese name or the Unified "
            "Social Credit Code of a producer in the reference data, or leave it empty "
            "and describe the supplier's claim in supplier_text."
        )
    if len(matches) > 1:
        raise forms.ValidationError(f"“{text}” matches several producers; use the USCC.")
    return matches[0]


def parse_elements(text: str) -> dict[str, str | None]:
    """ "Nd:30, Pr:10, Dy" -> {"Nd": "30", "Pr": "10", "Dy": None} (validated by the service)."""
    result: dict[str, str | None] = {}
    for raw_part in (text or "").replace(";", ",").split(","):
        part = raw_part.strip()
        if not part:
            continue
        symbol, _, share = part.partition(":")
        result[symbol.strip()] = share.strip().rstrip("%").strip() or None
    return result


def _choice_by_key_or_label(value: str, choices, what: str) -> str:
    text = (value or "").strip()
    for key, label in choices.choices:
        if text.lower() in (key.lower(), str(label).lower()):
            return key
    raise forms.ValidationError(
        f"Unknown {what} “{text}”. Use one of: {', '.join(choices.values)}."
    )


class CaseImportRowForm(forms.Form):
    reference = forms.CharField(max_length=60)
    buyer = forms.CharField(max_length=200)
    exporter = forms.CharField(max_length=200)
    producer = forms.CharField(required=False)
    supplier_text = forms.CharField(required=False, max_length=300)
    product_form = forms.CharField()
    elements = forms.CharField()
    hs_code = forms.CharField(required=False, validators=[validate_hs_code])
    quantity_kg = forms.DecimalField(
        max_digits=14,
        decimal_places=3,
        error_messages={"invalid": "Quantity must be a number of kilograms."},
    )
    destination = forms.CharField(max_length=2)
    end_use = forms.CharField()
    end_user = forms.CharField(max_length=300)
    consignee = forms.CharField(required=False, max_length=300)
    planned_ship_date = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Ship date is not a date; write it as YYYY-MM-DD."},
    )
    licence_status = forms.CharField(required=False)
    licence_number = forms.CharField(required=False, max_length=80)
    licence_applied_on = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Not a date; write it as YYYY-MM-DD."},
    )
    licence_valid_until = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Not a date; write it as YYYY-MM-DD."},
    )
    general_licence = forms.CharField(required=False)
    owner = forms.CharField(required=False)
    watchers = forms.CharField(required=False)

    def clean_quantity_kg(self):
        qty = self.cleaned_data["quantity_kg"]
        if qty is not None and qty <= 0:
            raise forms.ValidationError("Quantity must be more than zero.")
        return qty

    def clean_destination(self):
        value = self.cleaned_data["destination"].strip().upper()
        validate_country_code(value)
        return value

    def __init__(self, *args, lookups: ImportLookups | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups or ImportLookups()

    def clean_producer(self):
        text = self.cleaned_data["producer"].strip()
        if not text:
            return None
        return self.lookups.producer(text)

    def clean_product_form(self):
        return _choice_by_key_or_label(
            self.cleaned_data["product_form"], ProductForm, "product form"
        )

    def clean_end_use(self):
        return _choice_by_key_or_label(self.cleaned_data["end_use"], EndUse, "end use")

    def clean_licence_status(self):
        value = self.cleaned_data["licence_status"]
        if not value:
            return LicenceStatus.NOT_APPLIED
        return _choice_by_key_or_label(value, LicenceStatus, "licence status")

    def clean_general_licence(self):
        value = (self.cleaned_data["general_licence"] or "").strip().lower()
        if value in ("", "0", "no", "false", "n"):
            return False
        if value in ("1", "yes", "true", "y"):
            return True
        raise forms.ValidationError("Write yes or no.")

    def clean_elements(self):
        parsed = parse_elements(self.cleaned_data["elements"])
        if not parsed:
            raise forms.ValidationError("Name at least one element, e.g. “Nd:30, Pr:10, Dy”.")
        # Checked here too, so a row shows every problem at once, not the form's first.
        from .services import element_shares_clean

        try:
            element_shares_clean(parsed, known=self.lookups.elements)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["elements"]) from exc
        return parsed

    def _users(self, text: str) -> list:
        names = [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]
        users = self.lookups.users_named(names)
        unknown = [n for n in names if n.lower() not in users]
        if unknown:
            raise forms.ValidationError(f"Unknown user: {', '.join(unknown)}.")
        return [users[n.lower()] for n in names]

    def clean_owner(self):
        text = self.cleaned_data["owner"].strip()
        if not text:
            return None
        # Who may own a case is the service's rule (case_validate), shared with the pages and
        # the API.
        return self._users(text)[0]

    def clean_watchers(self):
        return self._users(self.cleaned_data["watchers"] or "")


def _cell(value: Any) -> Any:
    """Spreadsheet cells: XLSX gives dates and numbers, CSV gives text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_row(
    raw: dict[str, Any], lookups: ImportLookups | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    form = CaseImportRowForm(data={k: _cell(v) for k, v in raw.items()}, lookups=lookups)
    if not form.is_valid():
        return {}, {k: list(v) for k, v in form.errors.items()}
    data = dict(form.cleaned_data)
    if not data.get("owner"):
        data.pop("owner", None)
    return data, {}

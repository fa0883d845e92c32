"""The case file: its column layout, and parsing one row into case_validate arguments.

`LAYOUT` is the one definition of the columns: the import reads it and the export
(shipments.resources) writes it, so an exported file imports back unchanged
(docs/operations.md, "The case file", describes it). Parties are fixed columns per role
(`buyer`, `buyer_country`, ...), then numbered intermediaries and upstream sources
(`intermediary_1_role`, `source_1_elements`, ...).

A Django form does the parsing so that the import and the web form speak the same
messages; plants, producers, owners and watchers are named by text in a spreadsheet. One
`ImportLookups` per file remembers producers, users and elements already looked up, so a
large file costs a query per distinct name, not per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import tablib
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from registry.choices import ProductForm
from registry.models import Producer, TechnologyItem
from registry.validators import validate_country_code, validate_hs_code, validate_uscc

from .choices import EndUse, LicenceStatus, OreCategory, PartyRole
from .models import CASE_INPUT_FIELDS, HEADLINE_ROLES, SINGLE_ROLES, Licence

# --- the column layout ----------------------------------------------------------------------

# Each single role has its name column (the role itself) and these.
PARTY_DETAILS = ("country", "uscc", "lei", "registry_number")
INTERMEDIARY_SLOTS = 3
INTERMEDIARY_DETAILS = ("role", "name", "country")
SOURCE_SLOTS = 4
SOURCE_DETAILS = ("label", "elements", "plant", "plant_uscc", "ore", "year", "evidence", "note")
# A typed plant name (CaseSource.plant_name) carries this mark, so that a plant name the
# registry does not know is an error unless the file says it is meant.
NOT_IN_REGISTRY = " (not in registry)"


def party_columns(role: str) -> tuple[str, ...]:
    return (role, *(f"{role}_{detail}" for detail in PARTY_DETAILS))


def intermediary_column(n: int, detail: str) -> str:
    return f"intermediary_{n}_{detail}"


def source_column(n: int, detail: str) -> str:
    return f"source_{n}_{detail}"


# The case's own facts, in CASE_INPUT_FIELDS order (its party names are party columns).
# The licence record is named by `licence_number`: a number recorded as a licence links the
# case to the record; any other number stays the case's own. The technology item is named by
# its key.
CASE_COLUMNS = tuple(
    f
    for f in CASE_INPUT_FIELDS
    if f not in (*HEADLINE_ROLES, "parties", "sources", "licence_record")
)
PARTY_COLUMNS = tuple(column for role in SINGLE_ROLES for column in party_columns(role))
INTERMEDIARY_COLUMNS = tuple(
    intermediary_column(n, detail)
    for n in range(1, INTERMEDIARY_SLOTS + 1)
    for detail in INTERMEDIARY_DETAILS
)
SOURCE_COLUMNS = tuple(
    source_column(n, detail) for n in range(1, SOURCE_SLOTS + 1) for detail in SOURCE_DETAILS
)
LAYOUT = (*CASE_COLUMNS, *PARTY_COLUMNS, *INTERMEDIARY_COLUMNS, *SOURCE_COLUMNS)
# Read, never written: the first edition's declared producer (see producer_shorthand).
DEPRECATED_COLUMNS = ("producer",)
IMPORT_COLUMNS = (*LAYOUT, *DEPRECATED_COLUMNS)
# Written by the export (shipments.resources), ignored by the import; producer_group is in
# files exported before parties and sources.
IGNORED_COLUMNS = (
    "band",
    "raw_band",
    "verdict",
    "main_reason",
    "score",
    "status",
    "assessed_at",
    "producer_group",
)
# Written by the export when a case has more intermediaries or sources than the layout has
# slots; the import refuses a row where it is filled rather than lose them.
OMITTED_COLUMN = "omitted"
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


# The example row of the file the import page offers (import_template).
TEMPLATE_ROW = {
    "reference": "PO-2026-0001",
    "product_form": "magnet",
    "elements": "Nd:28, Pr:7, Dy:4",
    "hs_code": "8505111000",
    "quantity_kg": "1000",
    "destination": "DE",
    "end_use": "automotive",
    "planned_ship_date": "2026-12-15",
    "licence_status": "not_required",
    "general_licence": "no",
    "buyer": "Example Motors GmbH",
    "buyer_country": "DE",
    "exporter": "Example Magnetics Co., Ltd.",
    "exporter_country": "CN",
    "end_user": "Example Motors GmbH",
    "end_user_country": "DE",
    "intermediary_1_role": "trader",
    "intermediary_1_name": "Example Trading (HK) Ltd.",
    "intermediary_1_country": "HK",
    "source_1_label": "NdPr",
    "source_1_elements": "Nd Pr",
    "source_1_plant": "Baotou Huamei Rare Earth Hi-Tech",
    "source_1_ore": "light",
    "source_1_year": "2026",
    "source_1_evidence": "supplier_declaration invoice",
    "source_2_label": "Dy",
    "source_2_elements": "Dy",
    "source_2_plant": f"Example Dy Separation{NOT_IN_REGISTRY}",
    "source_2_ore": "ionic",
    "source_2_evidence": "supplier_declaration",
}


def import_template() -> tablib.Dataset:
    """The layout's header and one example row: a magnet with two sources."""
    data = tablib.Dataset(headers=list(LAYOUT))
    data.append([TEMPLATE_ROW.get(column, "") for column in LAYOUT])
    return data


class ImportLookups:
    """Per-file memo of the names a spreadsheet uses (producers and plants, users,
    elements): a query per distinct name, not per row."""

    def __init__(self) -> None:
        from .services import elements_known

        self.elements = elements_known()
        self.producers: dict[str, list[Producer]] = {}  # folded text -> up to two matches
        self.users: dict[str, object | None] = {}  # lower-case username -> active user
        self.licences: dict[str, Licence | None] = {}  # folded number -> record
        self.technology: dict[str, TechnologyItem | None] = {}  # key -> item

    def licence_numbered(self, number: str) -> Licence | None:
        """The licence record with this number (any case), or None."""
        key = number.casefold()
        if key not in self.licences:
            self.licences[key] = Licence.objects.filter(number__iexact=number).first()
        return self.licences[key]

    def technology_item(self, key: str) -> TechnologyItem:
        if key not in self.technology:
            self.technology[key] = TechnologyItem.objects.filter(key=key).first()
        item = self.technology[key]
        if item is None:
            raise forms.ValidationError(
                f"Unknown technology item “{key}”: use the key of a catalogue item in the "
                "reference data."
            )
        return item

    def producers_named(self, text: str) -> list[Producer]:
        """Registry producers whose English or Chinese name, USCC or alias is `text` (at
        most two: more than one is ambiguous)."""
        key = text.casefold()
        if key not in self.producers:
            self.producers[key] = _producers_named(text)
        return self.producers[key]

    def producer(self, text: str) -> Producer:
        """The deprecated `producer` column's producer, or ValidationError."""
        matches = self.producers_named(text)
        if not matches:
            raise forms.ValidationError(
                f"Unknown producer “{text}”: use the English or Chinese name or the Unified "
                "Social Credit Code of a producer in the reference data, or leave it empty "
                "and describe the supplier's claim in supplier_text."
            )
        if len(matches) > 1:
            raise forms.ValidationError(f"“{text}” matches several producers; use the USCC.")
        return matches[0]

    def users_named(self, names: list[str]) -> dict[str, object]:
        wanted = [n for n in names if n.lower() not in self.users]
        if wanted:
            for n in wanted:
                self.users[n.lower()] = None
            for u in get_user_model().objects.filter(username__in=wanted, is_active=True):
                self.users[u.get_username().lower()] = u
        return {n.lower(): self.users[n.lower()] for n in names if self.users[n.lower()]}


def _producers_named(text: str) -> list[Producer]:
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
            for p in Producer.objects.all()
            if any(str(alias).casefold() == folded for alias in p.aliases or [])
        ][:2]
    return matches


def _is_named(producer: Producer, text: str) -> bool:
    folded = text.casefold()
    names = [producer.name_en, producer.name_zh, producer.uscc, *(producer.aliases or [])]
    return any(str(name).casefold() == folded for name in names if name)


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
    """One row's case columns (the party, intermediary and source columns are plain text,
    read by `RowEntries`: some 70 more form fields would cost more than the rest of the
    row's check)."""

    reference = forms.CharField(max_length=60)
    buyer = forms.CharField(max_length=200)
    exporter = forms.CharField(max_length=200)
    producer = forms.CharField(required=False)
    supplier_text = forms.CharField(required=False, max_length=300)
    product_form = forms.CharField()
    elements = forms.CharField(required=False)  # empty: composition not yet known
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
    technology_item = forms.CharField(required=False)
    owner = forms.CharField(required=False)
    watchers = forms.CharField(required=False)
    omitted = forms.CharField(required=False)

    def __init__(self, *args, lookups: ImportLookups | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups or ImportLookups()

    def clean_quantity_kg(self):
        qty = self.cleaned_data["quantity_kg"]
        if qty is not None and qty <= 0:
            raise forms.ValidationError("Quantity must be more than zero.")
        return qty

    def clean_destination(self):
        value = self.cleaned_data["destination"].strip().upper()
        validate_country_code(value)
        return value

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

    def clean_technology_item(self):
        key = (self.cleaned_data["technology_item"] or "").strip()
        return self.lookups.technology_item(key) if key else None

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("licence_number") or "").strip()
        cleaned["licence_record"] = self.lookups.licence_numbered(number) if number else None
        return cleaned

    def clean_general_licence(self):
        value = (self.cleaned_data["general_licence"] or "").strip().lower()
        if value in ("", "0", "no", "false", "n"):
            return False
        if value in ("1", "yes", "true", "y"):
            return True
        raise forms.ValidationError("Write yes or no.")

    def clean_elements(self):
        text = self.cleaned_data["elements"]
        if not text.strip():
            return {}  # the composition is not yet known: the method asks for it
        parsed = parse_elements(text)
        if not parsed:
            raise forms.ValidationError("Name the elements, e.g. “Nd:30, Pr:10, Dy”.")
        # Checked here too, so a row shows every problem at once, not the form's first.
        from .services import element_shares_clean

        try:
            element_shares_clean(parsed, known=self.lookups.elements)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["elements"]) from exc
        return parsed

    def clean_omitted(self):
        if self.cleaned_data["omitted"].strip():
            raise forms.ValidationError(
                "This row was exported from a case with more intermediaries or sources than "
                "the file has columns for; importing it would lose them. Enter the case in "
                "the form, or empty this column to import the row without them."
            )
        return ""

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


class RowEntries:
    """A row's party, intermediary and source cells -> case_validate's `parties` and
    `sources`, the cells' own errors by column, and which columns each entry came from
    (`party_slots`, `source_slots`). Lengths and formats are the party and source rules'
    (parties_clean, sources_clean); their messages come back to the column through
    ParsedRow."""

    def __init__(self, cells: Mapping[str, str], lookups: ImportLookups) -> None:
        self.cells = cells
        self.lookups = lookups
        self.errors: dict[str, list[str]] = {}
        self.party_slots: list[tuple[str, bool]] = []
        self.source_slots: list[int] = []
        self.parties = self._parties()
        self.sources = self._sources()

    def _text(self, column: str) -> str:
        return str(self.cells.get(column) or "").strip()

    def _error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def _parties(self) -> list[dict]:
        parties: list[dict] = []
        for role in SINGLE_ROLES:
            values = {"name": self._text(role)}
            values |= {d: self._text(f"{role}_{d}") for d in PARTY_DETAILS}
            if any(values.values()):
                parties.append({"role": role, **values})
                self.party_slots.append((role, True))
        for n in range(1, INTERMEDIARY_SLOTS + 1):
            values = {d: self._text(intermediary_column(n, d)) for d in INTERMEDIARY_DETAILS}
            if not any(values.values()):
                continue
            try:
                role = self._intermediary_role(values["role"])
            except forms.ValidationError as exc:
                self._error(intermediary_column(n, "role"), exc.messages[0])
                continue
            parties.append({**values, "role": role})
            self.party_slots.append((f"intermediary_{n}", False))
        return parties

    @staticmethod
    def _intermediary_role(text: str) -> str:
        if not text:
            raise forms.ValidationError("Give the intermediary's role: forwarder or trader.")
        role = _choice_by_key_or_label(text, PartyRole, "party role")
        if role in SINGLE_ROLES:
            # One way to write each party, so that an export reads back the same.
            raise forms.ValidationError(
                f"A case has one {PartyRole(role).label.lower()}: write it in the {role} "
                f"columns ({', '.join(party_columns(role)[:2])}, ...); an intermediary is a "
                "forwarder or a trader."
            )
        return role

    def _sources(self) -> list[dict]:
        sources: list[dict] = []
        for n in range(1, SOURCE_SLOTS + 1):
            cells = {d: self._text(source_column(n, d)) for d in SOURCE_DETAILS}
            if not any(cells.values()):
                continue
            problems: dict[str, str] = {}
            plant = self._plant(n, cells["plant"], cells["plant_uscc"], problems)
            ore = cells["ore"]
            if ore:
                try:
                    ore = _choice_by_key_or_label(ore, OreCategory, "ore category")
                except forms.ValidationError as exc:
                    problems["ore"] = exc.messages[0]
            year: int | None = None
            if cells["year"]:
                try:
                    year = int(cells["year"])
                except ValueError:
                    problems["year"] = "Write the production year as four digits, e.g. 2025."
            for detail, message in problems.items():
                self._error(source_column(n, detail), message)
            if problems or plant is None:
                continue
            producer, plant_name = plant
            sources.append(
                {
                    "label": cells["label"],
                    "elements": cells["elements"],
                    "producer": producer,
                    "plant_name": plant_name,
                    "ore_category": ore,
                    "production_year": year,
                    "evidence": cells["evidence"],
                    "note": cells["note"],
                }
            )
            self.source_slots.append(n)
        return sources

    def _plant(
        self, n: int, text: str, uscc: str, problems: dict[str, str]
    ) -> tuple[Producer | None, str] | None:
        """(registry plant, typed name) for a source's plant cells; None with `problems`
        filled when they name no plant, or not one plant."""
        mark = NOT_IN_REGISTRY.strip()
        if text.casefold().endswith(mark.casefold()):
            name = text[: -len(mark)].strip()
            if not name:
                problems["plant"] = f"Write the plant's name before “{mark}”."
            if uscc:
                problems["plant_uscc"] = (
                    f"A plant outside the registry is named only: leave "
                    f"{source_column(n, 'plant_uscc')} empty, or name a registry plant."
                )
            return None if problems else (None, name)
        if uscc:
            code = uscc.upper()
            try:
                validate_uscc(code)
            except ValidationError as exc:
                problems["plant_uscc"] = exc.messages[0]
                return None
            matches = [p for p in self.lookups.producers_named(code) if p.uscc.upper() == code]
            if not matches:
                problems["plant_uscc"] = (
                    f"No plant in the reference data has USCC {code}: correct it, or leave it "
                    f"empty and write the plant as “name{NOT_IN_REGISTRY}”."
                )
                return None
            if text and not _is_named(matches[0], text):
                problems["plant"] = (
                    f"“{text}” is not a name of {matches[0].name_en}, the plant with USCC "
                    f"{code}: correct one of the two."
                )
                return None
            return matches[0], ""
        if not text:
            return None, ""  # sources_clean asks for the plant
        matches = self.lookups.producers_named(text)
        if not matches:
            problems["plant"] = (
                f"Unknown plant “{text}”: name a plant of the reference data by its English "
                f"or Chinese name or USCC, or, for a plant that is not in it, write "
                f"“{text}{NOT_IN_REGISTRY}”."
            )
            return None
        if len(matches) > 1:
            problems["plant"] = (
                f"“{text}” names several plants: give the USCC in {source_column(n, 'plant_uscc')}."
            )
            return None
        return matches[0], ""


# "Source 2 (elements): ..." / "Party 1 (uscc): ..." (shipments.services.parties)
_ENTRY_MESSAGE = re.compile(r"^(Party|Source) (\d+)(?: \((\w+)\))?: (.+)$", re.DOTALL)
# sources_clean's field names -> the layout's source details
_SOURCE_DETAIL = {
    "producer": "plant",
    "plant_name": "plant",
    "ore_category": "ore",
    "production_year": "year",
}


@dataclass
class ParsedRow:
    """A parsed row: case_validate's keyword arguments (`data`), the row's own errors by
    column, and which columns each party and source came from."""

    data: dict[str, Any]
    errors: dict[str, list[str]]
    party_slots: list[tuple[str, bool]] = field(default_factory=list)  # (column, single role)
    source_slots: list[int] = field(default_factory=list)

    def columns_of(self, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """case_validate's errors keyed by the file's columns: "Source 1 (elements): X" of
        a row whose first source is in slot 2 becomes source_2_elements: X. The sources
        the deprecated producer column adds come after the slots: they are its errors."""
        out: dict[str, list[str]] = {}
        for key, messages in errors.items():
            for message in messages:
                column, text = key, message
                match = _ENTRY_MESSAGE.match(message) if key in ("parties", "sources") else None
                if match:
                    kind, number, detail, text = match.groups()
                    column = self._column(kind, int(number) - 1, detail) or key
                out.setdefault(column, []).append(text if column != key else message)
        return out

    def _column(self, kind: str, index: int, detail: str | None) -> str | None:
        if kind == "Source":
            if index >= len(self.source_slots):
                return "producer" if self.data.get("producer") else None
            return source_column(self.source_slots[index], _SOURCE_DETAIL.get(detail, detail))
        if index >= len(self.party_slots):
            return None
        prefix, single = self.party_slots[index]
        if not single:
            return f"{prefix}_{detail or 'role'}"
        if detail in (None, "name", "role", "producer"):
            return prefix
        return f"{prefix}_{detail}"


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


def parse_row(raw: dict[str, Any], lookups: ImportLookups | None = None) -> ParsedRow:
    cells = {k: _cell(v) for k, v in raw.items()}
    lookups = lookups or ImportLookups()
    form = CaseImportRowForm(data=cells, lookups=lookups)
    entries = RowEntries(cells, lookups)
    errors = {k: list(v) for k, v in form.errors.items()}
    for column, messages in entries.errors.items():
        errors.setdefault(column, []).extend(messages)
    if errors:
        return ParsedRow({}, errors)
    data = {k: v for k, v in form.cleaned_data.items() if k != OMITTED_COLUMN}
    data |= {"parties": entries.parties, "sources": entries.sources}
    if not data.get("owner"):
        data.pop("owner", None)
    return ParsedRow(data, {}, entries.party_slots, entries.source_slots)

"""A case's parties and upstream sources: checking them, keeping the Case row's party names
in step, and writing them with an audit entry.

One rule set for every path (the case form's formsets, the API's nested lists, the
spreadsheet's columns): errors are keyed "parties" / "sources" with the row number and the
field, e.g. "Party 2 (uscc): ...", and nothing is saved when any row is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from core.types import Actor
from method.choices import ORE_CATEGORIES, PARTY_ROLES, SOURCE_EVIDENCE, UPSTREAM_KINDS
from registry.models import Producer
from shipments.choices import TimelineKind
from shipments.models import (
    HEADLINE_ROLES,
    PARTY_FIELDS,
    SINGLE_ROLES,
    SOURCE_FIELDS,
    Case,
    CaseParty,
    CaseSource,
)
from shipments.services._common import EMPTY, _event

PartyInput = Mapping[str, Any]
SourceInput = Mapping[str, Any]
_PARTY_INPUT = (*PARTY_FIELDS, "producer")
_SOURCE_INPUT = (*SOURCE_FIELDS, "producer")


def _symbols(value: Any) -> list[str]:
    if isinstance(value, str):
        parts = value.replace(";", ",").replace(" ", ",").split(",")
    else:
        parts = list(value or [])
    return [str(part).strip() for part in parts if str(part).strip()]


def _row_errors(exc: ValidationError, what: str, number: int) -> list[str]:
    return [
        f"{what} {number} ({field}): {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def _producer(value: Any, known: Mapping[int, Producer] | None) -> Producer | None:
    """A registry producer given as a row, an id or '' (none); ValueError names the id."""
    if value in (None, ""):
        return None
    if isinstance(value, Producer):
        return value
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"“{value}” is not a registry producer id") from exc
    producer = known.get(pk) if known is not None else Producer.objects.filter(pk=pk).first()
    if producer is None:
        raise ValueError(f"no registry producer has id {pk}")
    return producer


def _article(label: str) -> str:
    word = label.lower()
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def parties_clean(
    *,
    parties: Sequence[PartyInput] | None,
    headline: Mapping[str, str],
    producers: Mapping[int, Producer] | None = None,
) -> list[CaseParty]:
    """Unsaved party rows from `parties` and the Case's party names (`headline`: role ->
    name), or ValidationError keyed by the role field or "parties".

    A headline name with no party row of its role becomes one; a party row and a headline
    name for the same role must agree (the row wins where the headline is empty).
    """
    rows: list[CaseParty] = []
    messages: list[str] = []
    for number, raw in enumerate(parties or (), start=1):
        unknown = sorted(set(raw) - set(_PARTY_INPUT))
        if unknown:
            messages.append(f"Party {number}: unknown field(s) {', '.join(unknown)}.")
            continue
        role = str(raw.get("role") or "").strip()
        if role not in PARTY_ROLES:
            messages.append(
                f"Party {number} (role): “{role}” is not a role; use one of "
                f"{', '.join(PARTY_ROLES)}."
            )
            continue
        try:
            producer = _producer(raw.get("producer"), producers)
        except ValueError as exc:
            messages.append(f"Party {number} (producer): {exc}.")
            continue
        party = CaseParty(
            role=role,
            name=str(raw.get("name") or "").strip(),
            country=str(raw.get("country") or "").strip().upper(),
            uscc=str(raw.get("uscc") or "").strip().upper(),
            lei=str(raw.get("lei") or "").strip().upper(),
            registry_number=str(raw.get("registry_number") or "").strip(),
            producer=producer,
            position=number - 1,
        )
        try:
            party.full_clean(exclude=["case", "producer"], validate_constraints=False)
        except ValidationError as exc:
            messages.extend(_row_errors(exc, "Party", number))
            continue
        rows.append(party)
    seen: dict[str, int] = {}
    for number, party in enumerate(rows, start=1):
        if party.role in SINGLE_ROLES and party.role in seen:
            messages.append(
                f"Party {number} (role): the case already has {_article(party.get_role_display())}"
                f" (party {seen[party.role]}); a case has one party in this role."
            )
        seen.setdefault(party.role, number)
    errors: dict[str, list[str]] = {}
    if messages:
        errors["parties"] = messages
    by_role = {party.role: party for party in rows}
    for role in HEADLINE_ROLES:
        name = (headline.get(role) or "").strip()
        party = by_role.get(role)
        if party is None and name:
            rows.append(CaseParty(role=role, name=name, position=len(rows)))
        elif party is not None and name and name != party.name:
            errors[role] = [f"“{name}” here but “{party.name}” in the parties list: give one name."]
    if errors:
        raise ValidationError(errors)
    return rows


def sources_clean(
    *,
    sources: Sequence[SourceInput] | None,
    symbols: Iterable[str],
    producers: Mapping[int, Producer] | None = None,
) -> list[CaseSource]:
    """Unsaved source rows for a case declaring `symbols`, or ValidationError "sources"."""
    declared = {symbol.lower(): symbol for symbol in symbols}
    rows: list[CaseSource] = []
    messages: list[str] = []
    for number, raw in enumerate(sources or (), start=1):
        unknown = sorted(set(raw) - set(_SOURCE_INPUT))
        if unknown:
            messages.append(f"Source {number}: unknown field(s) {', '.join(unknown)}.")
            continue
        row_messages: list[str] = []
        elements = []
        for symbol in _symbols(raw.get("elements")):
            if symbol.lower() not in declared:
                row_messages.append(
                    f"Source {number} (elements): {symbol} is not among the case's elements "
                    f"({', '.join(declared.values()) or 'none declared'})."
                )
            else:
                elements.append(declared[symbol.lower()])
        if not elements and not row_messages:
            row_messages.append(f"Source {number} (elements): name the element(s) it supplies.")
        try:
            producer = _producer(raw.get("producer"), producers)
        except ValueError as exc:
            row_messages.append(f"Source {number} (producer): {exc}.")
            producer = None
        plant_name = str(raw.get("plant_name") or "").strip()
        if producer is None and not plant_name and not row_messages:
            row_messages.append(
                f"Source {number} (producer): choose the plant from the registry or type its name."
            )
        if producer is not None and producer.kind not in UPSTREAM_KINDS:
            row_messages.append(
                f"Source {number} (producer): {producer.name_en} is a "
                f"{producer.get_kind_display().lower()}, not a separation plant or mine; record "
                f"it as the exporter and name the plant it bought from."
            )
        ore = str(raw.get("ore_category") or "").strip()
        if ore and ore not in ORE_CATEGORIES:
            row_messages.append(
                f"Source {number} (ore_category): “{ore}” is not an ore category; use one of "
                f"{', '.join(ORE_CATEGORIES)}."
            )
        evidence = _symbols(raw.get("evidence"))
        bad = [kind for kind in evidence if kind not in SOURCE_EVIDENCE]
        if bad:
            row_messages.append(
                f"Source {number} (evidence): unknown document type(s) {', '.join(bad)}; use "
                f"{', '.join(SOURCE_EVIDENCE)}."
            )
        year = raw.get("production_year")
        source = CaseSource(
            label=str(raw.get("label") or "").strip() or "".join(elements)[:20],
            elements=elements,
            producer=producer,
            plant_name=plant_name,
            ore_category=ore,
            production_year=None if year in (None, "") else year,
            evidence=list(dict.fromkeys(evidence)),
            note=str(raw.get("note") or "").strip(),
            position=number - 1,
        )
        if not row_messages:
            try:
                source.full_clean(
                    exclude=["case", "producer", "elements", "evidence"],
                    validate_constraints=False,
                )
            except ValidationError as exc:
                row_messages.extend(_row_errors(exc, "Source", number))
        messages.extend(row_messages)
        if not row_messages:
            rows.append(source)
    if messages:
        raise ValidationError({"sources": messages})
    return rows


def producer_shorthand(
    *, producer: Producer | None, symbols: Sequence[str]
) -> tuple[list[dict], dict | None]:
    """The first edition's "declared producer", for callers that still send one: a mine or
    separation plant becomes a source of every declared element; a magnet maker, smelter
    or trader becomes the exporter's registry record. Returns (sources, exporter update)."""
    if producer is None:
        return [], None
    if producer.kind in UPSTREAM_KINDS:
        return [{"elements": list(symbols), "producer": producer}], None
    return [], {"producer": producer}


def parties_display(parties: Iterable[CaseParty]) -> str:
    """ "Exporter: JL Mag (CN, USCC 9136...)": the identifiers too, so a change of a USCC
    alone shows on the timeline."""
    shown = []
    for party in parties:
        ids = [party.country] if party.country else []
        ids += [
            f"{label} {value}"
            for label, value in (
                ("USCC", party.uscc),
                ("LEI", party.lei),
                ("reg.", party.registry_number),
            )
            if value
        ]
        detail = f" ({', '.join(ids)})" if ids else ""
        shown.append(f"{party.get_role_display()}: {party.name}{detail}")
    return "; ".join(shown) or EMPTY


def sources_display(sources: Iterable[CaseSource]) -> str:
    shown = []
    for source in sources:
        plant = source.producer.name_en if source.producer_id else source.plant_name
        ore = f", {source.get_ore_category_display().lower()}" if source.ore_category else ""
        evidence = f" [{', '.join(source.evidence)}]" if source.evidence else " [no evidence]"
        shown.append(f"{source.label}: {plant}{ore}{evidence}")
    return "; ".join(shown) or EMPTY


def party_input(party: CaseParty) -> dict[str, Any]:
    """A saved party as the input `parties_clean` takes (to rebuild the list on an edit)."""
    return {f: getattr(party, f) for f in PARTY_FIELDS} | {"producer": party.producer}


def source_input(source: CaseSource) -> dict[str, Any]:
    """A saved source as the input `sources_clean` takes."""
    return {f: getattr(source, f) for f in SOURCE_FIELDS} | {"producer": source.producer}


def _key(row: CaseParty | CaseSource, fields: tuple[str, ...]) -> tuple:
    values = (getattr(row, f) for f in fields)
    return (*(tuple(v) if isinstance(v, list) else v for v in values), row.producer_id)


def _party_key(party: CaseParty) -> tuple:
    return _key(party, PARTY_FIELDS)


def _source_key(source: CaseSource) -> tuple:
    return _key(source, SOURCE_FIELDS)


def headline_apply(case: Case, parties: Sequence[CaseParty]) -> None:
    """Set the Case row's party names from the parties (a role with no party: blank, which
    the row's own validation refuses where the role is required)."""
    by_role = {party.role: party.name for party in parties}
    for role in HEADLINE_ROLES:
        setattr(case, role, by_role.get(role, ""))


def _rows_replace(
    *,
    case: Case,
    actor: Actor,
    related: str,
    rows: list,
    key: Callable[[Any], tuple],
    display: Callable[[Iterable], str],
    label: str,
) -> bool:
    """Replace one of the case's row lists; True and a timeline entry when it changed (a
    new case records its rows in its "created" entry instead)."""
    manager = getattr(case, related)
    old = list(manager.select_related("producer").all())
    if [key(row) for row in old] == [key(row) for row in rows]:
        return False
    if old:
        manager.all().delete()
    for row in rows:
        row.case = case
        row.pk = None
    manager.model.objects.bulk_create(rows)
    if old:
        before, after = display(old), display(rows)
        _event(
            case,
            actor,
            TimelineKind.FIELD_CHANGED,
            f"{label}: {before} → {after}",
            field=related,
            label=label,
            old=before,
            new=after,
        )
    return True


def case_parties_write(*, case: Case, actor: Actor, parties: list[CaseParty]) -> bool:
    """Replace the case's parties (already cleaned, and `headline_apply`-ed to the saved
    row); True when they changed."""
    return _rows_replace(
        case=case,
        actor=actor,
        related="parties",
        rows=parties,
        key=_party_key,
        display=parties_display,
        label="Parties",
    )


def case_sources_write(*, case: Case, actor: Actor, sources: list[CaseSource]) -> bool:
    """Replace the case's upstream sources (already cleaned); True when they changed."""
    return _rows_replace(
        case=case,
        actor=actor,
        related="sources",
        rows=sources,
        key=_source_key,
        display=sources_display,
        label="Upstream sources",
    )

"""Dispositions: what an officer's approved decision rests on, and whether it still holds.

A disposition records, when it is made, a fingerprint of what it rested on: for a screening
hit, the list entry's names, identifiers and status and the party's name and identifiers; for
an accepted risk, the case facts the factor reads. The method compares the fingerprint with
today's facts: any part that differs *reopens* the disposition (it no longer applies, and the
reason names the part). The same functions make the fingerprint on the Django side, so the two
cannot disagree. DOMAIN, "Decisions that last and reopen".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from method.inputs import (
    CaseFacts,
    DispositionFacts,
    PartyFacts,
    WatchEntryFacts,
    canonical_json,
)

Basis = tuple[tuple[str, str], ...]

# The case facts each factor reads (CaseFacts field names). A change to any of them is
# "new facts on the case" for a risk accepted on that factor.
FACTOR_CASE_FIELDS: dict[str, tuple[str, ...]] = {
    "product_scope": ("elements", "product_form", "hs_code", "technology", "planned_ship_date"),
    "producer_eligibility": ("elements", "product_form", "sources", "parties"),
    "quota_headroom": ("elements", "product_form", "sources", "quantity_kg"),
    "licence": (
        "elements",
        "product_form",
        "technology",
        "licence",
        "parties",
        "quantity_kg",
        "planned_ship_date",
    ),
    "documents": ("documents", "licence", "parties", "product_form"),
    "end_use": ("end_use", "destination", "parties"),
}

# What each basis part is, for the reopening reason.
BASIS_LABELS: dict[str, str] = {
    "entry_names": "the list entry's name or aliases changed",
    "entry_identifiers": "the list entry's identifiers changed",
    "entry_status": "the list entry's status changed",
    "party_name": "the party's name changed",
    "party_identifiers": "the party's identifiers or country changed",
    "elements": "the declared elements changed",
    "product_form": "the product form changed",
    "hs_code": "the HS code changed",
    "technology": "the technology classification changed",
    "planned_ship_date": "the planned ship date changed",
    "sources": "the upstream sources changed",
    "parties": "the parties changed",
    "quantity_kg": "the quantity changed",
    "licence": "the licence changed",
    "documents": "the documents changed",
    "end_use": "the end use changed",
    "destination": "the destination changed",
}


def _digest(value: object) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()[:16]


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def hit_basis(entry: WatchEntryFacts, party: PartyFacts) -> Basis:
    """What a screening disposition rests on: the entry and the party as they are now."""
    parts = {
        "entry_names": [entry.name, sorted(entry.aliases)],
        "entry_identifiers": [list(pair) for pair in sorted(entry.identifiers)],
        "entry_status": entry.status,
        "party_name": party.name.strip(),
        "party_identifiers": [party.country, party.uscc, party.lei, party.registry_number],
    }
    return tuple(sorted((name, _digest(value)) for name, value in parts.items()))


def factor_basis(case: CaseFacts, factor: str) -> Basis:
    """What a risk accepted on `factor` rests on: the case facts the factor reads."""
    return tuple(
        sorted((name, _digest(_plain(getattr(case, name)))) for name in FACTOR_CASE_FIELDS[factor])
    )


def changed_parts(recorded: Basis, current: Basis) -> list[str]:
    """The parts of `recorded` whose digest differs in `current` (a part not recorded at
    all is not a change: an older disposition may record fewer parts)."""
    now = dict(current)
    return [name for name, digest in recorded if now.get(name, digest) != digest]


def reopen_reason(parts: list[str]) -> str:
    return "; ".join(BASIS_LABELS.get(part, f"{part} changed") for part in parts)


def lapsed(disposition: DispositionFacts, today: dt.date) -> bool:
    return disposition.expires_on is not None and disposition.expires_on <= today


def decided_by(disposition: DispositionFacts) -> str:
    """'by A, approved by B, until D' for a reason or an evidence label."""
    until = f", until {disposition.expires_on}" if disposition.expires_on else ""
    return f"by {disposition.author}, approved by {disposition.approver}{until}"

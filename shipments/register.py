"""The register's columns: which an officer sees, chosen on the page and remembered.

Band, reference and verdict are always shown (the first two stay in view when the table
scrolls); the rest are the officer's choice. The default set fits 1366 px. The choice
travels in the query string (`cols`, with `cols_set` marking that the chooser was sent, so
that unticking every optional column is a choice too) and is remembered in the session, so
the register opens with it next time; a saved view carries it in its query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    default: bool


FIXED = ("band", "reference", "verdict")
OPTIONAL = (
    Column("score", "Score", False),
    Column("buyer", "Buyer", True),
    Column("sources", "Upstream sources", True),
    Column("elements", "Elements", True),
    Column("form", "Form", False),
    Column("hs", "HS code", False),
    Column("quantity", "Quantity (kg)", False),
    Column("destination", "Destination", True),
    Column("end_use", "End use", False),
    Column("ship_date", "Ship date", True),
    Column("licence", "Licence", True),
    Column("owner", "Owner", True),
    Column("status", "Status", True),
)
KEYS = {c.key for c in OPTIONAL}
DEFAULT = tuple(c.key for c in OPTIONAL if c.default)
SESSION_KEY = "register_columns"


def register_columns(query: Mapping, session) -> tuple[str, ...]:
    """The optional columns to show, in the register's order, remembering a choice made."""
    if query.get("cols_set"):
        asked = set(query.getlist("cols")) & KEYS
        chosen = tuple(c.key for c in OPTIONAL if c.key in asked)
        if session.get(SESSION_KEY) != list(chosen):  # every filter change sends the chooser
            session[SESSION_KEY] = list(chosen)
        return chosen
    remembered = session.get(SESSION_KEY)
    if remembered is None:
        return DEFAULT
    return tuple(c.key for c in OPTIONAL if c.key in set(remembered))

"""How a snapshot's inputs are stored: the case's own part in the row, the reference part once.

An assessment's inputs (`method.AssessmentInputs.to_dict()`) are two kinds of data:

- the case's own: `as_of`, `today`, the case facts and its dispositions (ROW_KEYS), kept in
  the snapshot row (`Assessment.inputs`);
- the reference data it was judged against: the measures in scope, the calendar window, the
  approved list, quotas, destination restrictions, party-list candidates and the method
  settings (every other key). Thousands of cases share one such part, so it is stored once
  in `ReferencePart`, under the sha256 of its canonical JSON, and the row points to it.

`merge(row, part)` rebuilds exactly the dict that was split, so the replayed inputs and their
hash are the ones the method saw (a test and `assessment_replay --all` prove it). A row with
no part is a whole-inputs row (a dossier's, or one written before 2026.12-4's storage).

`outcome_digest` is what an unchanged re-score compares: the case's own inputs without the
dates (`today`, `as_of`), the reference part, the method version and the result. Equal means
the same case, judged against the same data, got the same answer: the dates did not matter,
and nothing is written (DOMAIN, "The method, second edition"; issue 16).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from method.inputs import canonical_json

ROW_KEYS = frozenset({"as_of", "today", "case", "dispositions"})
DATE_KEYS = ("as_of", "today")


def digest(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def split(inputs: Mapping[str, Any]) -> tuple[dict, dict]:
    """(the row's part, the reference part) of a whole inputs dict, any method edition."""
    row = {key: value for key, value in inputs.items() if key in ROW_KEYS}
    part = {key: value for key, value in inputs.items() if key not in ROW_KEYS}
    return row, part


def merge(row: Mapping[str, Any], part: Mapping[str, Any] | None) -> dict:
    """The whole inputs dict again (`part` None: the row holds the whole inputs)."""
    if part is None:
        return dict(row)
    overlap = set(row) & set(part)
    if overlap:
        raise ValueError(f"snapshot row and reference part both hold {sorted(overlap)}")
    return {**row, **part}


def spliced_json(pieces: Mapping[str, str]) -> str:
    """The canonical JSON of a dict from the canonical JSON of each of its values: the same
    text `canonical_json` gives for the whole dict (sorted keys, no spaces), without
    serialising again the parts many cases share."""
    return "{" + ",".join(f"{canonical_json(k)}:{pieces[k]}" for k in sorted(pieces)) + "}"


def outcome_digest(
    row: Mapping[str, Any], part_digest: str, method_version: str, result_json: str
) -> str:
    """sha256 over the case's own inputs without the dates, the reference part's digest,
    the method version and the result's canonical JSON (without its inputs hash)."""
    undated = {key: value for key, value in row.items() if key not in DATE_KEYS}
    text = "\n".join((canonical_json(undated), part_digest, method_version, result_json))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

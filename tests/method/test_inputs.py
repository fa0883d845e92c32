"""Inputs: validation, canonical JSON and the replay hash."""

from __future__ import annotations

import dataclasses
import json

import pytest

from method import (
    AllocationFacts,
    AssessmentInputs,
    CaseFacts,
    ElementFacts,
    MethodSettings,
    QuotaFacts,
)
from tests.method.reference_facts import licensed_dy_case, make_inputs


def test_dates_serialise_as_iso_strings() -> None:
    plain = make_inputs(licensed_dy_case()).to_dict()
    assert plain["as_of"] == "2026-06-15"
    assert plain["case"]["licence"]["valid_until"] == "2026-12-31"
    assert plain["case"]["elements"] == [
        {"symbol": "Dy", "quota_category": "ionic", "content_share": None, "family": "heavy"}
    ]


def test_canonical_json_has_sorted_keys_and_no_spaces() -> None:
    inputs = make_inputs()
    expected = json.dumps(
        inputs.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert inputs.canonical_json() == expected
    assert inputs.canonical_json().startswith(
        '{"approved_list":{"confidence":"official","effective_from"'
    )


def test_an_int_tonnage_hashes_like_the_same_float() -> None:
    as_int = make_inputs(
        quota=QuotaFacts(2026, allocations=(AllocationFacts("mining", "light", 5),))
    )
    as_float = make_inputs(
        quota=QuotaFacts(2026, allocations=(AllocationFacts("mining", "light", 5.0),))
    )
    assert as_int.inputs_hash() == as_float.inputs_hash()


def test_any_change_changes_the_hash() -> None:
    inputs = make_inputs()
    assert dataclasses.replace(inputs, as_of=inputs.today).inputs_hash() != inputs.inputs_hash()
    assert len(inputs.inputs_hash()) == 64


def test_unknown_keys_are_rejected_on_replay() -> None:
    plain = make_inputs().to_dict()
    plain["surprise"] = 1
    with pytest.raises(ValueError, match="unknown keys"):
        AssessmentInputs.from_dict(plain)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ElementFacts("Nd", "heavy"),
        lambda: CaseFacts("r", (), "powder", "automotive"),
        lambda: CaseFacts("r", (), "oxide", "space"),
        lambda: AllocationFacts("mining", "light", -1),
        lambda: AllocationFacts("mining", "light", float("nan")),
        lambda: MethodSettings(strong_match=70, weak_match=80),
    ],
)
def test_values_outside_the_vocabulary_are_rejected(build) -> None:
    with pytest.raises(ValueError, match=r"must be|need"):
        build()


def test_inputs_are_frozen() -> None:
    inputs = make_inputs()
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.as_of = inputs.today  # type: ignore[misc]

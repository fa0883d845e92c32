"""Properties of the whole method over generated inputs."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from method import AssessmentInputs, DocumentFacts, LicenceFacts, assess
from method.choices import BAND_RANK, FACTORS, SEVERITIES, SEVERITY_RANK
from method.engine import BAND_BASE, band_for, score_for
from method.factors import build_context
from method.factors.documents import required_documents
from method.result import FactorResult
from tests.method.strategies import inputs

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(inputs)
def test_band_is_never_below_the_worst_factor(case_inputs: AssessmentInputs) -> None:
    result = assess(case_inputs)
    worst_rank = max(SEVERITY_RANK[f.severity] for f in result.factors)
    assert BAND_RANK[result.band] >= max(worst_rank - 1, 0)
    assert BAND_BASE[result.band] <= result.score <= BAND_BASE[result.band] + 24
    assert sorted(f.factor for f in result.factors) == sorted(FACTORS)


@SETTINGS
@given(inputs)
def test_a_denied_required_licence_is_always_critical(case_inputs: AssessmentInputs) -> None:
    denied = dataclasses.replace(case_inputs.case.licence, status="denied")
    result = assess(dataclasses.replace(case_inputs, case=_with(case_inputs, licence=denied)))
    if result.licence_required:
        assert result.band == "critical"


@SETTINGS
@given(inputs, st.data())
def test_adding_a_missing_required_document_never_worsens(
    case_inputs: AssessmentInputs, data: st.DataObject
) -> None:
    required = required_documents(build_context(case_inputs))
    if not required:
        return
    doc_type = data.draw(st.sampled_from(required))
    document = DocumentFacts(doc_type, data.draw(st.sampled_from(["provided", "verified"])))
    better = dataclasses.replace(
        case_inputs,
        case=_with(case_inputs, documents=(*case_inputs.case.documents, document)),
    )
    before, after = assess(case_inputs), assess(better)
    assert BAND_RANK[after.band] <= BAND_RANK[before.band]
    assert after.score <= before.score


@SETTINGS
@given(inputs)
def test_inputs_round_trip_through_plain_values_and_hash_identically(
    case_inputs: AssessmentInputs,
) -> None:
    plain = json.loads(json.dumps(case_inputs.to_dict()))
    again = AssessmentInputs.from_dict(plain)
    assert again == case_inputs
    assert again.inputs_hash() == case_inputs.inputs_hash()
    assert again.canonical_json() == case_inputs.canonical_json()


@SETTINGS
@given(inputs)
def test_assess_is_deterministic_and_replayable(case_inputs: AssessmentInputs) -> None:
    first = assess(case_inputs)
    assert assess(case_inputs) == first
    assert assess(AssessmentInputs.from_dict(case_inputs.to_dict())) == first
    assert type(first).from_dict(json.loads(json.dumps(first.to_dict()))) == first


severities = st.sampled_from(SEVERITIES)


@SETTINGS
@given(st.lists(severities, min_size=6, max_size=6), st.integers(0, 5), st.data())
def test_worsening_any_factor_never_lowers_band_or_score(
    levels: list[str], index: int, data: st.DataObject
) -> None:
    worse = data.draw(st.sampled_from(SEVERITIES[SEVERITY_RANK[levels[index]] :]))
    before = _factors(levels)
    after = _factors([*levels[:index], worse, *levels[index + 1 :]])
    band_before, band_after = band_for(before), band_for(after)
    assert BAND_RANK[band_after] >= BAND_RANK[band_before]
    assert score_for(band_after, after) >= score_for(band_before, before)


def _factors(levels: list[str]) -> tuple[FactorResult, ...]:
    return tuple(
        FactorResult(name, level, "x")  # type: ignore[arg-type]
        for name, level in zip(FACTORS, levels, strict=True)
    )


def _with(case_inputs: AssessmentInputs, **changes: object):
    return dataclasses.replace(case_inputs.case, **changes)


def test_licence_facts_default_is_not_applied() -> None:
    assert LicenceFacts().status == "not_applied"

"""Properties of the whole method over generated inputs."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from method import (
    AssessmentInputs,
    AssessmentResult,
    CaseFacts,
    DocumentFacts,
    LicenceFacts,
    PartyFacts,
    SourceFacts,
    assess,
)
from method.choices import (
    BAND_RANK,
    FACTORS,
    NON_MATERIAL_FORMS,
    SEVERITIES,
    SEVERITY_RANK,
    SOURCE_EVIDENCE,
)
from method.engine import BAND_BASE, band_for, score_for
from method.factors import build_context
from method.factors.documents import required_documents
from method.result import FactorResult
from tests.method.reference_facts import (
    GOLDEN_DRAGON,
    HUAMEI,
    approved_list,
    elements,
    quotas_for,
    source,
)
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


# -- "unknown is never better than known" (DOMAIN, second edition; issue 12)


def _rank(result: AssessmentResult) -> tuple[int, int]:
    return BAND_RANK[result.band], result.score


def _best_sources(case: CaseFacts) -> tuple[SourceFacts, ...]:
    """Each element from an approved, evidenced plant of a holder with the allocation."""
    out = []
    for element in case.elements:
        ionic = element.quota_category == "ionic"
        out.append(
            source(
                element.symbol,
                (element.symbol,),
                GOLDEN_DRAGON if ionic else HUAMEI,
                ore_category=(
                    "by_product"
                    if element.quota_category == "none"
                    else ("ionic" if ionic else "light")
                ),
                evidence=SOURCE_EVIDENCE,
            )
        )
    return tuple(out)


def _with_best_reference(case_inputs: AssessmentInputs, case: CaseFacts) -> AssessmentInputs:
    return dataclasses.replace(
        case_inputs,
        case=case,
        approved_list=case_inputs.approved_list or approved_list(),
        quotas=quotas_for(case, case_inputs.as_of.year),
    )


@SETTINGS
@given(inputs)
def test_leaving_out_the_sources_never_beats_declaring_the_best(
    case_inputs: AssessmentInputs,
) -> None:
    best = dataclasses.replace(case_inputs.case, sources=_best_sources(case_inputs.case))
    declared = _with_best_reference(case_inputs, best)
    removed = dataclasses.replace(declared, case=dataclasses.replace(best, sources=()))
    assert _rank(assess(removed)) >= _rank(assess(declared))


@SETTINGS
@given(inputs)
def test_leaving_out_the_composition_never_beats_declaring_the_best(
    case_inputs: AssessmentInputs,
) -> None:
    if case_inputs.case.product_form in NON_MATERIAL_FORMS:
        return
    # Lanthanum: light, uncontrolled, from an approved Northern plant.
    la = dataclasses.replace(case_inputs.case, elements=elements("La"), hs_code="")
    declared = _with_best_reference(case_inputs, dataclasses.replace(la, sources=_best_sources(la)))
    removed = dataclasses.replace(declared, case=dataclasses.replace(la, elements=(), sources=()))
    assert _rank(assess(removed)) >= _rank(assess(declared))


@SETTINGS
@given(inputs)
def test_leaving_out_a_party_never_beats_declaring_a_clean_one(
    case_inputs: AssessmentInputs,
) -> None:
    case = case_inputs.case
    for role in ("end_user", "exporter"):
        others = tuple(p for p in case.parties if p.role != role)
        clean = PartyFacts(role, "Acme Motors GmbH", "CN", "91360700MA35XXXX1K")
        declared = dataclasses.replace(
            case_inputs, case=dataclasses.replace(case, parties=(*others, clean))
        )
        removed = dataclasses.replace(case_inputs, case=dataclasses.replace(case, parties=others))
        assert _rank(assess(removed)) >= _rank(assess(declared))


@SETTINGS
@given(inputs, st.sampled_from(SOURCE_EVIDENCE))
def test_adding_source_evidence_never_raises_the_band(
    case_inputs: AssessmentInputs, kind: str
) -> None:
    case = case_inputs.case
    richer = tuple(
        dataclasses.replace(s, evidence=tuple(dict.fromkeys((*s.evidence, kind))))
        for s in case.sources
    )
    more = dataclasses.replace(case_inputs, case=dataclasses.replace(case, sources=richer))
    assert _rank(assess(more)) <= _rank(assess(case_inputs))

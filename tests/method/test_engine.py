"""The band and score rule."""

from __future__ import annotations

from method import METHOD_VERSION, assess
from method.engine import band_for, score_for
from method.result import FactorResult
from tests.method.reference_facts import make_case, make_inputs

NAMES = (
    "product_scope",
    "producer_eligibility",
    "quota_headroom",
    "licence",
    "documents",
    "end_use",
)


def factors(*levels: str) -> tuple[FactorResult, ...]:
    padded = (*levels, *("none",) * (len(NAMES) - len(levels)))
    return tuple(FactorResult(n, s, "x") for n, s in zip(NAMES, padded, strict=True))  # type: ignore[arg-type]


def test_none_and_low_give_band_low() -> None:
    assert band_for(factors()) == "low"
    assert band_for(factors("low", "low")) == "low"


def test_band_follows_the_worst_factor() -> None:
    assert band_for(factors("medium")) == "medium"
    assert band_for(factors("low", "high")) == "high"
    assert band_for(factors("critical")) == "critical"


def test_three_medium_factors_make_the_case_high() -> None:
    assert band_for(factors("medium", "medium")) == "medium"
    assert band_for(factors("medium", "medium", "medium")) == "high"
    assert band_for(factors("medium", "high", "medium")) == "high"


def test_two_high_factors_do_not_make_a_case_critical() -> None:
    assert band_for(factors("high", "high", "high")) == "high"


def test_scores_rank_within_a_band_and_bands_never_overlap() -> None:
    assert score_for("low", factors()) == 0
    assert score_for("low", factors("low", "low")) == 2
    assert score_for("medium", factors("medium")) == 28
    assert score_for("high", factors(*("high",) * 6)) == 74  # capped below critical
    assert score_for("critical", factors(*("critical",) * 6)) == 100
    assert score_for("medium", factors("medium", "medium", "low", "low", "low", "low")) < 50


def test_the_result_names_the_method_version() -> None:
    result = assess(make_inputs(make_case()))
    assert result.method_version == METHOD_VERSION
    assert result.score == 0

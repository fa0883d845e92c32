"""The method on realistic cases built from the reference facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from method import (
    AssessmentInputs,
    AssessmentResult,
    CaseFacts,
    DocumentFacts,
    HsLineFacts,
    LicenceFacts,
    PartyFacts,
    add_working_days,
    assess,
)
from method.choices import (
    BAND_RANK,
    GENERAL_LICENCE_DOCUMENTS,
    PARTY_ROLE_LABELS,
    SEVERITY_RANK,
)
from method.factors.documents import document_checklist
from tests.method.reference_facts import (
    CALENDAR,
    DESTINATIONS,
    E902_A,
    GOLDEN_DRAGON,
    HUAMEI,
    MINING_TECH,
    NDFEB_PREP,
    SHIP_DATE,
    D,
    approved_list,
    licensed_dy_case,
    make_case,
    make_inputs,
    quota_unpublished,
    source,
)


def at_least(result: AssessmentResult, band: str) -> bool:
    return BAND_RANK[result.band] >= BAND_RANK[band]


def severity_at_least(result: AssessmentResult, factor: str, severity: str) -> bool:
    return SEVERITY_RANK[result.factor(factor).severity] >= SEVERITY_RANK[severity]


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date from which `day` is the n-th working day."""
    start = day
    while add_working_days(start, n, CALENDAR).day != day:
        start -= dt.timedelta(days=1)
    return start


def ho_oxide(as_of: dt.date) -> AssessmentInputs:
    case = make_case(("Ho",), producer=GOLDEN_DRAGON, licence=LicenceFacts("not_applied"))
    return make_inputs(case, as_of=as_of, today=as_of - dt.timedelta(days=60))


def test_ndpr_oxide_from_an_approved_northern_plant_with_nothing_missing_is_low() -> None:
    result = assess(make_inputs())
    assert result.band == "low"
    assert not result.licence_required
    assert all(factor.severity == "none" for factor in result.factors)
    assert "no measure in force" in result.factor("licence").reason


def test_dy_oxide_with_a_granted_valid_licence_and_complete_file_is_low() -> None:
    result = assess(make_inputs(licensed_dy_case()))
    assert result.licence_required
    assert result.band == "low"
    assert result.factor("licence").severity == "none"
    assert "valid until 2026-12-31" in result.factor("licence").reason


def test_the_same_dy_oxide_from_an_unlisted_producer_is_at_least_high() -> None:
    result = assess(make_inputs(licensed_dy_case(list_status="not_listed")))
    assert at_least(result, "high")
    producer = result.factor("producer_eligibility")
    assert producer.severity == "high"
    assert "is not on the approved-producer list 2026-01" in producer.reason
    assert producer.evidence[1].kind == "list_version"


def test_no_upstream_source_is_medium_and_names_what_to_declare() -> None:
    result = assess(make_inputs(make_case(producer=None)))
    producer = result.factor("producer_eligibility")
    assert producer.severity == "medium"
    assert "Upstream source not evidenced for Nd and Pr" in producer.reason
    assert result.factor("quota_headroom").severity == "medium"


def test_no_list_in_force_is_high() -> None:
    result = assess(make_inputs(approved_list=None))
    assert result.factor("producer_eligibility").severity == "high"


def test_tb_metal_applied_for_ten_working_days_before_shipping_is_at_least_high() -> None:
    applied_on = working_days_before(SHIP_DATE, 10)
    case = licensed_dy_case(
        elements=make_case(("Tb",)).elements,
        product_form="metal",
        licence=LicenceFacts("applied", applied_on=applied_on),
    )
    result = assess(make_inputs(case))
    due = add_working_days(applied_on, 45, CALENDAR).day
    assert due is not None
    licence = result.factor("licence")
    assert at_least(result, "high")
    assert licence.severity == "high"
    assert f"Licence decision due {due}, {(due - SHIP_DATE).days} days after the ship date" in (
        licence.reason
    )
    assert result.decision_due == due


def test_a_decision_due_before_the_ship_date_is_low_and_says_chase() -> None:
    case = licensed_dy_case(licence=LicenceFacts("applied", applied_on=D("2026-03-02")))
    result = assess(make_inputs(case))
    licence = result.factor("licence")
    assert licence.severity == "low"
    assert licence.reason.startswith("Licence decision due 2026-05-08, before the ship date")


def test_a_denied_licence_is_critical() -> None:
    case = licensed_dy_case(licence=LicenceFacts("denied", "LIC-2026-0042", D("2026-03-02")))
    result = assess(make_inputs(case))
    assert result.band == "critical"
    assert result.factors[0].factor == "licence"
    assert result.score >= 76


def test_ndfeb_magnets_need_a_licence_only_with_dy_or_tb() -> None:
    with_dy = make_case(("Nd", "Pr", "Dy"), product_form="magnet", producer=GOLDEN_DRAGON)
    without = make_case(("Nd", "Pr"), product_form="magnet")
    assert assess(make_inputs(with_dy)).licence_required
    result = assess(make_inputs(without))
    assert not result.licence_required
    assert result.band == "low"


def test_ho_oxide_before_no_70_ends_needs_no_licence() -> None:
    result = assess(ho_oxide(D("2026-11-09")))
    assert not result.licence_required
    assert "suspended" in result.factor("licence").reason
    assert result.factor("product_scope").severity == "low"  # the suspension ends tomorrow


def test_ho_oxide_from_the_day_no_70_ends_needs_a_licence_and_says_verify() -> None:
    result = assess(ho_oxide(D("2026-11-10")))
    assert result.licence_required
    scope = result.factor("product_scope")
    assert severity_at_least(result, "product_scope", "medium")
    assert "suspension lapsed on 2026-11-10 - verify" in scope.reason
    assert result.factor("licence").severity == "high"  # not applied


def test_smco_magnet_material_needs_a_licence() -> None:
    case = make_case(("Sm",), product_form="magnet", producer=GOLDEN_DRAGON)
    result = assess(make_inputs(case))
    assert result.licence_required
    assert "No. 18 of 2025" in result.factor("product_scope").reason


def test_exporting_ndfeb_magnet_preparation_technology_is_critical() -> None:
    case = make_case(
        ("Nd", "Pr", "Dy"), product_form="technology", producer=None, technology=NDFEB_PREP
    )
    result = assess(make_inputs(case))
    assert result.band == "critical"
    scope = result.factor("product_scope")
    assert scope.severity == "critical"
    assert "Export is prohibited" in scope.reason
    assert "no licence path" in scope.reason
    assert "licence is required" not in " ".join(f.reason for f in result.factors)
    assert result.factor("producer_eligibility").severity == "none"  # not rare earth output
    evidence = next(e for e in scope.evidence if e.kind == "measure")
    assert evidence.matched == f"form technology; classified as '{NDFEB_PREP.title}'"


def test_unclassified_technology_is_high_and_says_classify() -> None:
    case = make_case(("Nd",), product_form="technology", producer=None)
    result = assess(make_inputs(case))
    scope = result.factor("product_scope")
    assert scope.severity == "high"
    assert "classify" in scope.reason
    assert "Export is prohibited" not in scope.reason


def test_restricted_technology_needs_a_technology_export_licence() -> None:
    case = make_case(("Nd",), product_form="technology", producer=None, technology=MINING_TECH)
    result = assess(make_inputs(case))
    assert result.licence_required
    assert result.factor("product_scope").severity == "low"
    licence = result.factor("licence")
    assert licence.severity == "high"
    assert "technology export licence is required" in licence.reason


def test_1e902_technology_needs_a_dual_use_licence_once_no_62_applies() -> None:
    case = make_case(("Nd",), product_form="technology", producer=None, technology=E902_A)
    suspended = assess(make_inputs(case, as_of=D("2026-06-15")))
    assert not suspended.licence_required  # No. 62 suspended by No. 70 until 2026-11-10
    lapsed = assess(make_inputs(case, as_of=D("2026-12-15")))
    assert lapsed.licence_required
    assert lapsed.factor("licence").severity == "high"
    assert "1E902.a" in lapsed.factor("product_scope").reason


def test_military_end_use_of_dy_oxide_is_critical() -> None:
    result = assess(make_inputs(licensed_dy_case(end_use="defence")))
    assert result.band == "critical"
    assert result.factor("end_use").severity == "critical"


def test_defence_end_use_of_an_uncontrolled_item_is_high() -> None:
    result = assess(make_inputs(make_case(end_use="defence")))
    assert result.factor("end_use").severity == "high"


def test_semiconductor_end_use_is_medium() -> None:
    result = assess(make_inputs(make_case(end_use="semiconductors")))
    assert result.factor("end_use").severity == "medium"


def _with_party(case, role: str, name: str, country: str = "", **ids: str):
    parties = tuple(p for p in case.parties if p.role != role)
    return dataclasses.replace(case, parties=(*parties, PartyFacts(role, name, country, **ids)))


def test_a_uel_trade_ban_is_critical_for_any_item_when_corroborated() -> None:
    case = _with_party(make_case(), "end_user", "LOCKHEED MARTIN CORP.", "US")
    result = assess(make_inputs(case))
    end_use = result.factor("end_use")
    assert not result.licence_required
    assert end_use.severity == "critical"
    assert result.band == "critical"
    evidence = end_use.evidence[0]
    assert evidence.kind == "watch_entry"
    assert "Lockheed Martin Corporation" in evidence.label
    assert "by exact name; country US agrees" in evidence.matched


def test_a_name_alone_is_a_potential_match_at_most_high() -> None:
    case = _with_party(make_case(), "end_user", "Lockheed Martin Corp")  # no country
    end_use = assess(make_inputs(case)).factor("end_use")
    assert end_use.severity == "critical"  # an exact full name corroborates itself
    fuzzy = _with_party(make_case(), "end_user", "Lockheed Martn Corp")
    result = assess(make_inputs(fuzzy)).factor("end_use")
    assert result.severity == "high"
    assert "may be 'Lockheed Martin Corporation'" in result.reason
    assert "review" in result.reason


def test_a_german_firm_one_letter_from_a_listed_us_firm_is_only_a_review() -> None:
    case = _with_party(make_case(), "end_user", "Lockhead Martin GmbH", "DE")
    end_use = assess(make_inputs(case)).factor("end_use")
    assert end_use.severity == "medium"
    assert "country DE differs from US" in end_use.reason
    assert "review" in end_use.reason


def test_an_eccl_listing_is_critical_for_a_licensed_item_high_otherwise() -> None:
    name = "Aerospace Industrial Development Corp."
    licensed = _with_party(licensed_dy_case(), "consignee", name, "TW")
    assert assess(make_inputs(licensed)).factor("end_use").severity == "critical"
    plain = _with_party(make_case(), "consignee", name, "TW")
    end_use = assess(make_inputs(plain)).factor("end_use")
    assert end_use.severity == "high"
    assert "no dual-use items" in end_use.reason


def test_a_lapsed_entry_suspension_is_in_force_again_and_says_verify() -> None:
    case = _with_party(make_case(), "buyer", "Skydio Inc", "US")
    before = assess(make_inputs(case, as_of=D("2026-06-15"))).factor("end_use")
    assert before.severity == "medium"
    assert "measures suspended until 2026-11-10" in before.reason
    after = assess(make_inputs(case, as_of=D("2026-12-15"))).factor("end_use")
    assert after.severity == "critical"
    assert "suspension lapsed on 2026-11-10 - verify" in after.reason


def test_a_watch_list_party_gets_no_general_licence_and_no_decision_date() -> None:
    general = LicenceFacts("granted", "GL-7", None, D("2026-12-31"), general_licence=True)
    case = _with_party(licensed_dy_case(licence=general), "end_user", "SUBARU Corporation", "JP")
    result = assess(make_inputs(case))
    licence = result.factor("licence")
    assert licence.severity == "high"
    assert "general licence does not cover the end user 'SUBARU Corporation'" in licence.reason
    assert result.factor("end_use").severity == "medium"  # not denied in principle
    applied = LicenceFacts("applied", applied_on=D("2026-03-02"))
    pending = _with_party(licensed_dy_case(licence=applied), "end_user", "SUBARU Corp", "JP")
    result = assess(make_inputs(pending))
    assert result.decision_due is None
    assert "not bound by the 45 working days" in result.factor("licence").reason
    lines = document_checklist(make_inputs(pending))[1]
    assert {"risk_assessment", "undertaking"} <= {line.doc_type for line in lines}


def test_a_match_on_a_terminated_entry_is_low_and_says_so() -> None:
    result = assess(make_inputs(_with_party(make_case(), "consignee", "Gibbs&Cox Inc", "US")))
    end_use = result.factor("end_use")
    assert end_use.severity == "low"
    assert "measures terminated" in end_use.reason


def test_a_2025_shipment_with_unpublished_quota_names_the_fallback_cycle() -> None:
    inputs = make_inputs(
        as_of=D("2025-09-15"),
        today=D("2025-08-01"),
        quota=quota_unpublished(2025, "china-northern"),
    )
    result = assess(inputs)
    quota = result.factor("quota_headroom")
    assert quota.severity == "medium"
    assert quota.reason.startswith("NdPr: Baotou Huamei Rare Earth Hi-Tech (China Northern")
    assert "2025 quota volumes are unpublished; judged on 2024 batch 1 allocations" in quota.reason
    assert quota.evidence[0].label == "2024 batch 1 quota allocations (official)"
    assert result.band == "medium"


def test_dy_from_a_northern_plant_has_no_ionic_allocation() -> None:
    case = licensed_dy_case(producer=HUAMEI)
    result = assess(make_inputs(case))
    quota = result.factor("quota_headroom")
    assert quota.severity == "high"
    assert "no ionic mining allocation" in quota.reason
    assert "published only as a total" in quota.reason


def test_result_round_trips_and_carries_the_inputs_hash() -> None:
    inputs = make_inputs(licensed_dy_case())
    result = assess(inputs)
    assert AssessmentResult.from_dict(result.to_dict()) == result
    assert result.inputs_hash == inputs.inputs_hash()
    replayed = assess(AssessmentInputs.from_dict(inputs.to_dict()))
    assert replayed == result


def test_factors_are_sorted_worst_first_in_a_stable_order() -> None:
    result = assess(make_inputs(make_case(producer=None, end_use="semiconductors")))
    ranks = [SEVERITY_RANK[f.severity] for f in result.factors]
    assert ranks == sorted(ranks, reverse=True)
    none_factors = [f.factor for f in result.factors if f.severity == "none"]
    assert none_factors == [
        n for n in ("product_scope", "licence", "documents") if n in none_factors
    ]
    assert result.summary == result.factors[0].reason


def test_as_of_decides_not_today() -> None:
    # Same case, ship date before No. 18 took effect: no licence needed then.
    inputs = make_inputs(licensed_dy_case(), as_of=D("2025-03-01"), today=D("2025-02-01"))
    assert not assess(inputs).licence_required
    assert assess(dataclasses.replace(inputs, as_of=D("2025-04-04"))).licence_required


# -- second edition: supply chain, parties, declarations, destination (issue 12)

TB_MAGNET_PARTIES = (
    PartyFacts("buyer", "Acme Motors GmbH", "DE"),
    PartyFacts("exporter", "JL Mag Rare-Earth", "CN", "91360700MA35XXXX1K"),
    PartyFacts("end_user", "Acme Motors GmbH", "DE"),
)


def tb_magnet(**changes: Any) -> CaseFacts:
    """A Tb-NdFeB magnet from a magnet maker, general licence, complete file."""
    base = make_case(
        ("Nd", "Pr", "Tb"),
        product_form="magnet",
        hs_code="8505111000",
        parties=TB_MAGNET_PARTIES,
        sources=(
            source("NdPr", ("Nd", "Pr"), HUAMEI, ore_category="light"),
            source("Tb", ("Tb",), GOLDEN_DRAGON, ore_category="ionic"),
        ),
        licence=LicenceFacts("granted", "GL-2025-001", D("2025-12-02"), D("2026-12-01"), True),
        documents=tuple(DocumentFacts(doc, "verified") for doc in GENERAL_LICENCE_DOCUMENTS),
    )
    return dataclasses.replace(base, **changes)


def test_a_tb_magnet_from_a_magnet_maker_with_evidenced_sources_is_not_high() -> None:
    result = assess(make_inputs(tb_magnet()))
    eligibility = result.factor("producer_eligibility")
    quota = result.factor("quota_headroom")
    assert eligibility.severity in ("none", "low")
    assert quota.severity in ("none", "low", "medium")
    assert result.band in ("low", "medium")
    assert "NdPr: Baotou Huamei Rare Earth Hi-Tech (China Northern Rare Earth), light" in (
        eligibility.reason
    )
    assert "Tb: Fujian Golden Dragon Rare Earth (Xiamen Tungsten), ionic" in eligibility.reason
    assert "JL Mag" not in quota.reason  # the magnet maker is a party, not a quota holder


def test_the_same_magnet_without_upstream_evidence_is_medium_with_the_reason() -> None:
    sources = tuple(dataclasses.replace(s, evidence=()) for s in tb_magnet().sources)
    result = assess(make_inputs(tb_magnet(sources=sources)))
    eligibility = result.factor("producer_eligibility")
    assert eligibility.severity == "medium"
    assert "NdPr: " in eligibility.reason
    assert "upstream source not evidenced" in eligibility.reason


def test_a_magnet_with_no_sources_is_medium_and_says_what_to_declare() -> None:
    result = assess(make_inputs(tb_magnet(sources=())))
    eligibility = result.factor("producer_eligibility")
    assert eligibility.severity == "medium"
    assert "Upstream source not evidenced for Nd, Pr and Tb" in eligibility.reason


def test_a_non_approved_upstream_plant_is_high() -> None:
    ndpr, tb = tb_magnet().sources
    result = assess(
        make_inputs(tb_magnet(sources=(ndpr, dataclasses.replace(tb, list_status="not_listed"))))
    )
    eligibility = result.factor("producer_eligibility")
    assert eligibility.severity == "high"
    assert "Tb: Fujian Golden Dragon" in eligibility.reason
    assert "is not on the approved-producer list 2026-01" in eligibility.reason


def test_a_plant_not_in_the_registry_is_high() -> None:
    unknown = source("NdPr", ("Nd", "Pr"), None, plant_name="Xinfeng Smelter", ore_category="light")
    result = assess(make_inputs(tb_magnet(sources=(unknown, tb_magnet().sources[1]))))
    eligibility = result.factor("producer_eligibility")
    assert eligibility.severity == "high"
    assert "Xinfeng Smelter is not in the registry" in eligibility.reason


@pytest.mark.parametrize("role", ["buyer", "exporter", "licence_holder", "consignee", "forwarder"])
def test_a_party_on_the_unreliable_entity_list_is_found_whatever_its_role(role: str) -> None:
    parties = (*TB_MAGNET_PARTIES, PartyFacts(role, "Lockheed Martin Corporation", "US"))
    result = assess(make_inputs(tb_magnet(parties=parties)))
    end_use = result.factor("end_use")
    assert at_least(result, "high")
    label = PARTY_ROLE_LABELS[role]
    assert f"The {label} 'Lockheed Martin Corporation' matches" in end_use.reason
    assert "Unreliable Entity List" in end_use.reason
    assert any(e.kind == "watch_entry" for e in end_use.evidence)


def test_a_magnet_with_no_composition_is_at_least_high() -> None:
    result = assess(make_inputs(tb_magnet(elements=(), sources=())))
    assert at_least(result, "high")
    assert "declare the composition" in " ".join(result.factor("product_scope").next_steps)


def test_scandium_from_a_by_product_source_follows_its_own_rule() -> None:
    sc = source("Sc", ("Sc",), None, plant_name="Titanium dioxide plant", ore_category="by_product")
    case = make_case(("Sc",), sources=(sc,), licence=LicenceFacts("not_required"))
    eligibility = assess(make_inputs(case)).factor("producer_eligibility")
    assert eligibility.severity == "none"
    assert "by-product outside the quota system and the separation list" in eligibility.reason
    assert assess(make_inputs(case)).factor("quota_headroom").severity == "none"
    unevidenced = dataclasses.replace(case, sources=(dataclasses.replace(sc, evidence=()),))
    assert assess(make_inputs(unevidenced)).factor("producer_eligibility").severity == "medium"


def test_sm_oxide_from_a_northern_plant_is_judged_light_from_its_source() -> None:
    sm = source("Sm", ("Sm",), HUAMEI, ore_category="light")
    quota = assess(make_inputs(make_case(("Sm",), sources=(sm,)))).factor("quota_headroom")
    assert "judged light" in quota.reason
    assert "ionic" not in quota.reason
    assumed = source("Sm", ("Sm",), HUAMEI)
    quota = assess(make_inputs(make_case(("Sm",), sources=(assumed,)))).factor("quota_headroom")
    assert "ionic assumed from the element" in quota.reason
    assert quota.severity == "high"  # Northern holds no ionic mining, so no ionic separation


def test_one_ionic_input_does_not_make_the_whole_magnet_ionic() -> None:
    quota = assess(make_inputs(tb_magnet())).factor("quota_headroom")
    assert "NdPr: " in quota.reason
    assert "judged light" in quota.reason
    assert quota.severity != "high"


def test_a_sanctioned_destination_raises_the_band() -> None:
    clean = assess(make_inputs(tb_magnet()))
    dprk = assess(make_inputs(tb_magnet(destination="KP"), destination_restrictions=DESTINATIONS))
    assert dprk.band == "critical"
    assert BAND_RANK[dprk.band] > BAND_RANK[clean.band]
    assert "Destination KP is under UN Security Council sanctions" in dprk.factor("end_use").reason


def test_a_military_end_use_restriction_bites_only_on_military_end_use() -> None:
    civil = assess(make_inputs(tb_magnet(destination="US"), destination_restrictions=DESTINATIONS))
    assert civil.factor("end_use").severity == "low"
    military = assess(
        make_inputs(
            tb_magnet(destination="US", end_use="defence"), destination_restrictions=DESTINATIONS
        )
    )
    assert military.band == "critical"
    assert "(unverified)" in military.factor("end_use").reason


def test_an_hs_line_that_contradicts_the_elements_is_medium() -> None:
    line = HsLineFacts(
        "2846901992", "oxide", "Oxides with >= 30% medium-heavy REE", medium_heavy=True
    )
    result = assess(make_inputs(make_case(("La", "Ce"), hs_code=line.code, hs_line=line)))
    scope = result.factor("product_scope")
    assert scope.severity == "medium"
    assert "Declaration inconsistent" in scope.reason
    assert "customs may hold" in scope.reason


def test_a_licence_holder_who_is_not_the_exporter_is_flagged() -> None:
    parties = (*TB_MAGNET_PARTIES, PartyFacts("licence_holder", "Other Trading Co.", "CN"))
    eligibility = assess(make_inputs(tb_magnet(parties=parties))).factor("producer_eligibility")
    assert eligibility.severity == "medium"
    assert "is not the exporter JL Mag Rare-Earth" in eligibility.reason


def test_a_reported_list_says_so_in_the_reason() -> None:
    result = assess(make_inputs(tb_magnet(), approved_list=approved_list("reported")))
    eligibility = result.factor("producer_eligibility")
    assert "reported" in eligibility.reason
    assert "not an official list" in eligibility.evidence[-1].label

"""Factor rules one at a time, on small variations of the reference cases."""

from __future__ import annotations

import dataclasses

import pytest

from method import (
    AllocationFacts,
    DocumentFacts,
    LicenceFacts,
    QuotaFacts,
    SuspensionFacts,
    assess,
)
from method.choices import GENERAL_LICENCE_DOCUMENTS, SHIPMENT_DOCUMENTS
from method.factors.documents import document_checklist
from tests.method.reference_facts import (
    ALL_DOCUMENTS,
    CALENDAR,
    ECL_2020,
    GOLDEN_DRAGON,
    MEASURES,
    NO_57,
    D,
    licensed_dy_case,
    make_case,
    make_inputs,
)


def factor(inputs, name: str):
    return assess(inputs).factor(name)


# --- product scope -------------------------------------------------------------------


def test_a_framework_law_without_scope_never_applies_by_itself() -> None:
    inputs = make_inputs(measures=(ECL_2020,))
    assert not assess(inputs).licence_required
    assert factor(inputs, "product_scope").severity == "none"


def test_an_hs_code_match_alone_brings_a_case_into_scope() -> None:
    # NdPr declared under the No. 18 line for mixed oxides with Sm/Gd/Tb/Dy/Lu/Sc/Y.
    inputs = make_inputs(make_case(hs_code="2846.90.1993"))
    assert assess(inputs).licence_required


def test_a_measure_applies_only_inside_its_effective_window() -> None:
    ended = dataclasses.replace(NO_57, suspensions=(), effective_to=D("2026-06-15"))
    case = make_case(("Er",), producer=GOLDEN_DRAGON)
    assert not assess(make_inputs(case, measures=(ended,))).licence_required
    assert assess(make_inputs(case, measures=(ended,), as_of=D("2026-06-14"))).licence_required


def test_a_recorded_extension_means_no_lapse() -> None:
    extension = SuspensionFacts("ext", "Announcement No. 99 of 2026", D("2026-11-10"), None)
    extended = dataclasses.replace(NO_57, suspensions=(*NO_57.suspensions, extension))
    case = make_case(("Ho",), producer=GOLDEN_DRAGON)
    result = assess(make_inputs(case, measures=(extended,), as_of=D("2027-01-15")))
    assert not result.licence_required
    assert "lapsed" not in result.factor("product_scope").reason


def test_an_unconfirmed_measure_is_labelled_unverified() -> None:
    shaky = dataclasses.replace(NO_57, suspensions=(), confidence="unconfirmed")
    case = make_case(("Er",), producer=GOLDEN_DRAGON)
    scope = factor(make_inputs(case, measures=(shaky,)), "product_scope")
    assert scope.evidence[0].label.endswith("(unverified)")


# --- quota headroom ------------------------------------------------------------------


def quota_with(*rows: AllocationFacts, published: bool = True) -> QuotaFacts:
    return QuotaFacts(cycle_year=2026, cycle_id=9, published=published, allocations=rows)


@pytest.mark.parametrize(
    ("used", "severity"), [(None, "none"), (80_000, "none"), (81_000, "medium"), (90_000, "high")]
)
def test_utilisation_raises_the_quota_severity(used: float | None, severity: str) -> None:
    quota = quota_with(AllocationFacts("smelting", "light", 90_000, used))
    assert factor(make_inputs(quota=quota), "quota_headroom").severity == severity


def test_an_allocation_of_zero_tonnes_counts_as_none() -> None:
    quota = quota_with(AllocationFacts("smelting", "light", 0))
    result = factor(make_inputs(quota=quota), "quota_headroom")
    assert result.severity == "high"
    assert "holds no light smelting allocation" in result.reason


def test_ore_is_judged_on_the_mining_allocation() -> None:
    quota = quota_with(AllocationFacts("smelting", "light", 90_000))
    result = factor(make_inputs(make_case(product_form="ore"), quota=quota), "quota_headroom")
    assert result.severity == "high"
    assert "mining" in result.reason


def test_batches_of_one_category_add_up() -> None:
    quota = quota_with(
        AllocationFacts("smelting", "light", 50_000, 40_000),
        AllocationFacts("smelting", "light", 50_000, 40_000),
    )
    result = factor(make_inputs(quota=quota), "quota_headroom")
    assert result.severity == "none"
    assert "100,000 t, 80% used" in result.reason


def test_unknown_volume_in_a_published_cycle_without_fallback_is_medium() -> None:
    quota = quota_with(AllocationFacts("smelting", "light", None))
    assert factor(make_inputs(quota=quota), "quota_headroom").severity == "medium"


def test_equipment_and_technology_are_outside_the_quota() -> None:
    inputs = make_inputs(make_case(product_form="equipment"))
    assert factor(inputs, "quota_headroom").severity == "none"
    assert factor(inputs, "producer_eligibility").severity == "none"


def test_a_group_without_a_quota_holder_holds_no_quota() -> None:
    orphan = dataclasses.replace(GOLDEN_DRAGON, quota_holder_key=None, quota_holder_name=None)
    result = assess(make_inputs(make_case(producer=orphan)))
    assert result.factor("quota_headroom").severity == "high"
    assert result.factor("producer_eligibility").severity == "high"


# --- licence -------------------------------------------------------------------------


def test_a_licence_expiring_before_the_ship_date_is_high() -> None:
    licence = LicenceFacts("granted", "L-1", D("2026-01-05"), D("2026-06-14"))
    result = factor(make_inputs(licensed_dy_case(licence=licence)), "licence")
    assert result.severity == "high"
    assert "expires on 2026-06-14, before the ship date 2026-06-15" in result.reason


@pytest.mark.parametrize("status", ["not_applied", "not_required", "expired"])
def test_no_usable_licence_where_one_is_required_is_high(status: str) -> None:
    result = factor(make_inputs(licensed_dy_case(licence=LicenceFacts(status))), "licence")
    assert result.severity == "high"


def test_not_applied_projects_the_decision_date_from_today() -> None:
    result = factor(make_inputs(licensed_dy_case(licence=LicenceFacts("not_applied"))), "licence")
    # today 2026-05-04 (a holiday) + 45 working days = 2026-07-07; ship date 2026-06-15.
    assert "would be due by 2026-07-07, 22 days after the ship date" in result.reason


def test_a_general_licence_granted_and_valid_is_none_and_needs_the_shipment_file() -> None:
    licence = LicenceFacts("granted", "GL-1", None, D("2026-12-01"), general_licence=True)
    needed = (*SHIPMENT_DOCUMENTS, *GENERAL_LICENCE_DOCUMENTS, "end_user_certificate", "licence")
    documents = tuple(DocumentFacts(doc, "verified") for doc in dict.fromkeys(needed))
    result = assess(make_inputs(licensed_dy_case(licence=licence, documents=documents)))
    assert result.factor("licence").severity == "none"
    assert result.factor("documents").severity == "none"
    assert result.band == "low"


def test_a_decision_date_in_a_year_without_notice_is_a_range_that_says_verify() -> None:
    licence = LicenceFacts("applied", applied_on=D("2026-12-01"))
    inputs = make_inputs(licensed_dy_case(licence=licence), as_of=D("2027-03-31"))
    result = factor(inputs, "licence")
    assert result.severity == "low"  # even the latest plausible date is before shipping
    assert "2027 holiday notice not loaded" in result.reason
    assert "verify" in result.reason
    assert any("(unverified)" in e.label for e in result.evidence if e.kind == "calendar")


# --- documents -----------------------------------------------------------------------


def without(doc_type: str) -> tuple[DocumentFacts, ...]:
    return tuple(doc for doc in ALL_DOCUMENTS if doc.doc_type != doc_type)


APPLIED = LicenceFacts("applied", applied_on=D("2026-03-02"))


@pytest.mark.parametrize(
    ("missing", "licence"),
    [("end_user_certificate", None), ("end_use_certificate", APPLIED)],
)
def test_a_missing_certificate_is_high(missing: str, licence: LicenceFacts | None) -> None:
    changes = {"licence": licence} if licence else {}
    case = licensed_dy_case(documents=without(missing), **changes)
    result = factor(make_inputs(case), "documents")
    assert result.severity == "high"
    label = missing.replace("_cert", " cert").replace("end_us", "end-us")
    assert result.next_steps == (f"upload the {label}",)


def test_another_missing_application_document_is_medium() -> None:
    case = licensed_dy_case(documents=without("technical_description"), licence=APPLIED)
    result = factor(make_inputs(case), "documents")
    assert result.severity == "medium"
    assert result.next_steps == ("upload the technical description",)
    assert "application file lacks: technical description (missing)" in result.reason


def test_the_application_file_is_not_demanded_after_the_grant() -> None:
    case = licensed_dy_case(documents=without("technical_description"))  # granted
    result = factor(make_inputs(case), "documents")
    assert result.severity == "none"
    lines = document_checklist(make_inputs(case))[1]
    assert "technical_description" not in {line.doc_type for line in lines}
    assert {line.file for line in lines} == {"shipment"}


def test_a_missing_commercial_document_is_low_and_named_in_the_shipment_file() -> None:
    result = factor(make_inputs(licensed_dy_case(documents=without("packing_list"))), "documents")
    assert result.severity == "low"
    assert result.reason == "The shipment file lacks: packing list (missing)."


def test_an_expired_or_rejected_document_does_not_count() -> None:
    expired = DocumentFacts("technical_description", "verified", D("2026-06-14"))
    rejected = DocumentFacts("contract", "rejected")
    documents = (*without("technical_description"), expired)
    documents = (*(d for d in documents if d.doc_type != "contract"), rejected)
    result = factor(
        make_inputs(licensed_dy_case(documents=documents, licence=APPLIED)), "documents"
    )
    assert result.severity == "medium"
    assert "technical description (expired on 2026-06-14)" in result.reason
    assert "replace the rejected contract" in result.next_steps


def test_a_document_expiring_on_the_ship_date_still_counts() -> None:
    last_day = DocumentFacts("contract", "verified", D("2026-06-15"))
    documents = (*without("contract"), last_day)
    assert (
        factor(make_inputs(licensed_dy_case(documents=documents)), "documents").severity == "none"
    )


def test_without_a_licence_only_the_shipment_file_is_needed() -> None:
    assert factor(make_inputs(make_case()), "documents").severity == "none"
    bare = factor(make_inputs(make_case(documents=())), "documents")
    assert bare.severity == "low"
    assert "contract (missing), commercial invoice (missing) and packing list" in bare.reason


def test_measures_fixture_is_the_full_reference_set() -> None:
    # Guards the helper: the scenarios rely on these seven instruments.
    assert {m.key for m in MEASURES} >= {"mofcom-gacc-2025-18", "tech-catalogue-2023"}
    assert CALENDAR.known_years == (2024, 2025, 2026)

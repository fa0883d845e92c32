"""The second edition's second half (issue 13): time, licence records, quota as known,
caveats, evidence. Real facts from the reference files (tests/method/reference_facts.py)."""

from __future__ import annotations

import dataclasses

from method import AllocationFacts, LicenceFacts, PartyFacts, QuotaFacts, assess
from method.choices import SHIPMENT_DOCUMENTS
from method.inputs import CalendarFacts, DocumentFacts
from tests.method.reference_facts import (
    ALL_DOCUMENTS,
    CALENDAR,
    D,
    licensed_dy_case,
    make_case,
    make_inputs,
    quota_unpublished,
)

# china_holidays.yaml year_2027.statutory_days_derived (Decree 795's 13 days)
STATUTORY_2027 = tuple(
    D(day)
    for day in (
        "2027-01-01",
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-04-05",
        "2027-05-01",
        "2027-05-02",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
    )
)
CALENDAR_2027 = dataclasses.replace(CALENDAR, statutory_days=STATUTORY_2027)
HOLDER = "china-northern"


# --- time ------------------------------------------------------------------------------


def test_a_passed_ship_date_is_judged_as_of_today_and_says_so() -> None:
    # Eu oxide planned for early November (No. 57 suspended then), judged on 2026-12-03.
    case = make_case(("Eu",), planned_ship_date=D("2026-11-05"))
    result = assess(make_inputs(case, as_of=D("2026-12-03"), today=D("2026-12-03")))
    scope = result.factor("product_scope")
    assert scope.reason.startswith(
        "Planned ship date 2026-11-05 has passed: judged as of 2026-12-03."
    )
    assert "record the new planned ship date" in scope.next_steps
    assert result.licence_required  # No. 70's suspension of No. 57 lapsed on 2026-11-10


def test_the_2027_clock_is_a_range_and_the_severity_comes_from_the_latest_day() -> None:
    applied = LicenceFacts("applied", applied_on=D("2026-12-21"))
    case = licensed_dy_case(licence=applied)
    optimistic = assess(make_inputs(case, as_of=D("2027-03-01"), calendar=CALENDAR))
    earliest = optimistic.decision_due
    assert earliest is not None
    ranged = assess(make_inputs(case, as_of=earliest, calendar=CALENDAR_2027))
    assert ranged.decision_due == earliest
    latest = ranged.decision_due_latest
    assert latest is not None
    assert latest > earliest
    # New Year's day and the four Spring Festival days (one on a Saturday, one on a Sunday:
    # two substitutes) fall in the count: six more working days at most.
    licence = ranged.factor("licence")
    assert licence.severity == "high"  # shipping on the optimistic day is not safe
    assert f"between {earliest} and {latest}" in licence.reason
    assert "2027 holiday notice not loaded" in licence.reason


def test_a_decision_past_its_date_is_overdue_by_working_days() -> None:
    applied = LicenceFacts("applied", applied_on=D("2026-03-02"))  # due 2026-05-08
    case = licensed_dy_case(licence=applied)
    result = assess(make_inputs(case, today=D("2026-05-15"), as_of=D("2026-06-15")))
    licence = result.factor("licence")
    assert licence.severity == "medium"
    # 2026-05-09 (a Saturday) is a make-up working day: 9, 11, 12, 13, 14, 15.
    assert "decision overdue by 6 working days on 2026-05-15" in licence.reason
    assert licence.next_steps == ("chase MOFCOM for the decision",)


# --- licence records -------------------------------------------------------------------

RECORD = LicenceFacts(
    "granted",
    "GL-2026-0007",
    None,
    D("2026-12-31"),
    general_licence=True,
    record_id=7,
    pathway="general",
    holder="Ganzhou Rare Earth Trading Co., Ltd.",
    items=("Dy", "Tb"),
    quantity_kg=1000.0,
    named_parties=("Acme Motors GmbH",),
)
SHIPMENT_FILE_GENERAL = tuple(
    DocumentFacts(doc, "verified")
    for doc in (*SHIPMENT_DOCUMENTS, "end_user_certificate", "end_use_certificate", "licence")
)


def _on_record(**changes) -> object:
    case = licensed_dy_case(licence=dataclasses.replace(RECORD, **changes))
    return dataclasses.replace(case, quantity_kg=400.0, documents=SHIPMENT_FILE_GENERAL)


def test_a_general_licence_naming_the_buyer_with_quantity_left_is_clear() -> None:
    result = assess(make_inputs(_on_record(consumed_kg=200.0)))
    assert result.factor("licence").severity == "none"
    evidence = next(e for e in result.factor("licence").evidence if e.kind == "licence")
    assert evidence.ref_id == "7"
    assert "1,000 kg, 200 kg used before" in evidence.label
    nearly = assess(make_inputs(_on_record(consumed_kg=500.0))).factor("licence")
    assert nearly.severity == "low"
    assert "brings its use to 900 kg of 1,000 kg" in nearly.reason


def test_an_exhausted_licence_is_high() -> None:
    licence = assess(make_inputs(_on_record(consumed_kg=1000.0))).factor("licence")
    assert licence.severity == "high"
    assert "is exhausted: earlier shipments on it take 1,000 kg of its 1,000 kg" in licence.reason


def test_a_shipment_larger_than_what_is_left_is_high() -> None:
    licence = assess(make_inputs(_on_record(consumed_kg=800.0))).factor("licence")
    assert licence.severity == "high"
    assert "covers 200 kg more" in licence.reason
    assert "this shipment needs 400 kg" in licence.reason


def test_a_general_licence_not_naming_the_buyer_is_high() -> None:
    licence = assess(make_inputs(_on_record(named_parties=("Other GmbH",)))).factor("licence")
    assert licence.severity == "high"
    assert "does not name the buyer 'Acme Motors GmbH'" in licence.reason


def test_a_licence_not_covering_an_element_is_high() -> None:
    case = dataclasses.replace(_on_record(items=("Tb",)))
    licence = assess(make_inputs(case)).factor("licence")
    assert licence.severity == "high"
    assert "does not cover Dy" in licence.reason


def test_a_general_licence_for_a_watch_list_party_is_high() -> None:
    case = _on_record(named_parties=("Acme Motors GmbH", "SUBARU Corporation"))
    parties = (*case.parties, PartyFacts("end_user", "SUBARU Corporation", "JP"))
    case = dataclasses.replace(
        case, parties=tuple(p for p in parties if p.name != "Acme Motors GmbH" or p.role == "buyer")
    )
    licence = assess(make_inputs(case)).factor("licence")
    assert licence.severity == "high"
    assert "Watch List" in licence.reason
    assert "allows no general licence" in licence.reason


# --- quota as known ------------------------------------------------------------------


def test_a_recorded_zero_allocation_in_an_unpublished_cycle_is_high() -> None:
    zero = QuotaFacts(
        cycle_year=2026,
        holder_key=HOLDER,
        cycle_id=26,
        published=False,
        allocations=(
            AllocationFacts("smelting", "light", 0.0, confidence="reported"),
            AllocationFacts("mining", "light", 0.0, confidence="reported"),
        ),
        fallback=quota_unpublished(2026, HOLDER).fallback,
    )
    result = assess(make_inputs(quota=zero))
    quota = result.factor("quota_headroom")
    assert quota.severity == "high"
    assert "holds no light smelting allocation" in quota.reason
    assert "allocations recorded by staff are judged" in quota.reason
    assert quota.caveat == ""  # the zero is this group's own fact, not a caveat


def test_a_recorded_reported_allocation_counts_with_its_confidence() -> None:
    reported = QuotaFacts(
        cycle_year=2026,
        holder_key=HOLDER,
        published=False,
        allocations=(AllocationFacts("smelting", "light", 90000.0, confidence="reported"),),
    )
    quota = assess(make_inputs(quota=reported)).factor("quota_headroom")
    assert quota.severity == "low"
    assert "volumes reported, not official - verify" in quota.reason
    evidence = quota.evidence[0]
    assert evidence.confidence == "reported"
    assert evidence.layer == "quota"


def test_the_unpublished_caveat_is_shown_but_does_not_add_up() -> None:
    # Two case-specific mediums and the unpublished-volumes medium: not three doubts.
    case = make_case(end_use="semiconductors", end_user="")
    inputs = make_inputs(case, quota=quota_unpublished(2026, HOLDER))
    result = assess(inputs)
    quota = result.factor("quota_headroom")
    assert quota.severity == "medium"
    assert quota.caveat == "2026 quota volumes are unpublished"
    assert result.caveats == ("2026 quota volumes are unpublished",)
    assert result.band == "medium"  # three mediums would have made it high


def test_the_caveat_ranks_below_a_case_that_will_miss_its_ship_date() -> None:
    caveated = assess(
        make_inputs(make_case(end_use="semiconductors"), quota=quota_unpublished(2026, HOLDER))
    )
    late = assess(
        make_inputs(
            licensed_dy_case(
                licence=LicenceFacts("applied", applied_on=D("2026-06-01")),
                documents=ALL_DOCUMENTS,
            )
        )
    )
    assert late.band == "high"
    assert late.score > caveated.score


# --- evidence ------------------------------------------------------------------------


def test_measure_evidence_is_structured_for_an_auditor() -> None:
    result = assess(make_inputs(make_case(("Ho",), planned_ship_date=None), as_of=D("2026-11-10")))
    items = [e for f in result.factors for e in f.evidence if e.kind == "measure"]
    no_57 = next(e for e in items if "No. 57" in e.instrument)
    assert no_57.layer == "licence"
    assert no_57.window.startswith("in force from")
    assert "lapsed on 2026-11-10 - verify" in no_57.suspension
    assert "elements Ho" in no_57.matched
    assert no_57.data_version


def test_a_calendar_without_statutory_days_still_counts() -> None:
    bare = CalendarFacts(known_years=(2026,))
    applied = LicenceFacts("applied", applied_on=D("2026-12-21"))
    result = assess(make_inputs(licensed_dy_case(licence=applied), calendar=bare))
    assert result.decision_due is not None
    assert result.decision_due_latest is None  # nothing more is known about 2027

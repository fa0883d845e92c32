"""Dispositions, the raw and decided band, the verdict and the merged next steps (issue 14,
method 2026.12-3). Real facts from the reference files (tests/method/reference_facts.py)."""

from __future__ import annotations

import dataclasses

from method import AssessmentInputs, LicenceFacts, PartyFacts, assess
from method.dispositions import factor_basis, hit_basis
from method.inputs import DispositionFacts
from method.verdict import first_sentence
from method.workdays import add_working_days
from tests.method.reference_facts import (
    CALENDAR,
    LOCKHEED,
    NDFEB_PREP,
    SHIP_DATE,
    SHIPMENT_FILE,
    TODAY,
    WATCH_ENTRIES,
    D,
    licensed_dy_case,
    make_case,
    make_inputs,
)

FUZZY = "Lockheed Martn Corp"  # a name score alone: a potential match, high


def _with_end_user(case, name: str, country: str = ""):
    parties = tuple(p for p in case.parties if p.role != "end_user")
    return dataclasses.replace(case, parties=(*parties, PartyFacts("end_user", name, country)))


def _party(inputs: AssessmentInputs, role: str) -> PartyFacts:
    return inputs.case.parties_in(role)[0]


def _screening(kind: str, inputs: AssessmentInputs, entry=LOCKHEED, **changes) -> DispositionFacts:
    party = _party(inputs, "end_user")
    base = DispositionFacts(
        id=7,
        kind=kind,
        author="Ana Officer",
        approver="Ben Lead",
        decided_on=TODAY,
        expires_on=D("2026-12-31"),
        reason="a different company: registry extract on file",
        entry_id=entry.id,
        party_role="end_user",
        party_name=party.name,
        basis=hit_basis(entry, party),
    )
    return dataclasses.replace(base, **changes)


def _flagged() -> AssessmentInputs:
    return make_inputs(_with_end_user(make_case(), FUZZY))


def test_a_cleared_false_positive_stops_affecting_the_band_and_the_raw_band_stays() -> None:
    inputs = _flagged()
    raw = assess(inputs)
    assert raw.band == "high"
    assert raw.raw_band == "high"
    decided = assess(
        dataclasses.replace(inputs, dispositions=(_screening("false_positive", inputs),))
    )
    assert decided.band == "low"
    assert decided.raw_band == "high"
    assert decided.raw_score == raw.score
    end_use = decided.factor("end_use")
    assert end_use.severity in ("none", "low")
    assert end_use.raw_severity == "high"
    cleared = next(e for e in end_use.evidence if e.kind == "disposition")
    assert "cleared as a false positive by Ana Officer, approved by Ben Lead" in cleared.label
    assert "until 2026-12-31" in cleared.label
    assert [(o.id, o.outcome) for o in decided.dispositions] == [(7, "applied")]
    assert decided.verdict == "clear"


def test_the_entry_gaining_an_alias_reopens_a_false_positive() -> None:
    inputs = _flagged()
    disposition = _screening("false_positive", inputs)
    grown = dataclasses.replace(LOCKHEED, aliases=(*LOCKHEED.aliases, FUZZY))
    entries = tuple(grown if e.id == LOCKHEED.id else e for e in WATCH_ENTRIES)
    result = assess(
        dataclasses.replace(inputs, watch_candidates=entries, dispositions=(disposition,))
    )
    assert result.band == result.raw_band == "critical"  # the alias is a known-alias match now
    (outcome,) = result.dispositions
    assert outcome.outcome == "reopened"
    assert outcome.why == "the list entry's name or aliases changed"


def test_the_party_renamed_reopens_a_false_positive() -> None:
    inputs = _flagged()
    disposition = _screening("false_positive", inputs)
    renamed = make_inputs(_with_end_user(make_case(), "Lockheed Martn Corporation"))
    result = assess(dataclasses.replace(renamed, dispositions=(disposition,)))
    (outcome,) = result.dispositions
    assert outcome.outcome == "reopened"
    assert "the party's name changed" in outcome.why
    assert result.band == result.raw_band


def test_a_disposition_lapses_on_its_expiry_date() -> None:
    inputs = _flagged()
    disposition = _screening("false_positive", inputs, expires_on=TODAY)
    result = assess(dataclasses.replace(inputs, dispositions=(disposition,)))
    assert result.band == "high"
    (outcome,) = result.dispositions
    assert outcome.outcome == "lapsed"
    assert str(TODAY) in outcome.why


def test_a_false_positive_whose_hit_is_gone_is_idle() -> None:
    inputs = make_inputs()  # the end user matches nothing
    party = _party(inputs, "end_user")
    disposition = _screening("false_positive", inputs, party_name=party.name)
    result = assess(dataclasses.replace(inputs, dispositions=(disposition,)))
    assert [o.outcome for o in result.dispositions] == ["idle"]
    assert result.band == result.raw_band == "low"


def test_a_confirmed_match_makes_a_potential_hit_count_as_the_listed_party() -> None:
    inputs = _flagged()
    confirmed = _screening("confirmed_match", inputs, reason="same company, new trading name")
    result = assess(dataclasses.replace(inputs, dispositions=(confirmed,)))
    assert result.raw_band == "high"
    assert result.band == "critical"  # the UEL trade ban now bites
    assert result.verdict == "do_not_ship"
    assert result.factor("end_use").raw_severity == "high"


def _documents_short() -> AssessmentInputs:
    # The packing list is missing: documents at low; the licence file is complete.
    case = licensed_dy_case()
    return make_inputs(dataclasses.replace(case, end_use="semiconductors"))


def _accept(inputs: AssessmentInputs, factor: str, severity: str, **changes) -> DispositionFacts:
    base = DispositionFacts(
        id=9,
        kind="risk_accepted",
        author="Ana Officer",
        approver="Ben Lead",
        decided_on=TODAY,
        expires_on=D("2026-09-30"),
        reason="civil fab, audited 2026-04",
        factor=factor,
        accepted_severity=severity,
        basis=factor_basis(inputs.case, factor),
    )
    return dataclasses.replace(base, **changes)


def test_an_accepted_risk_weighs_as_low_and_says_who_accepted_it() -> None:
    inputs = _documents_short()
    raw = assess(inputs)
    assert raw.factor("end_use").severity == "medium"
    result = assess(
        dataclasses.replace(inputs, dispositions=(_accept(inputs, "end_use", "medium"),))
    )
    end_use = result.factor("end_use")
    assert end_use.severity == "low"
    assert end_use.raw_severity == "medium"
    assert end_use.reason.startswith("Risk accepted at medium by Ana Officer, approved by Ben Lead")
    assert not end_use.next_steps
    assert result.band == "low"
    assert result.raw_band == raw.band == "medium"
    assert not [s for s in result.next_steps if s.factor == "end_use"]


def test_an_accepted_risk_reopens_when_the_factor_rises_above_it() -> None:
    inputs = _documents_short()
    accepted = _accept(inputs, "end_use", "medium")
    worse = dataclasses.replace(inputs, case=dataclasses.replace(inputs.case, end_use="defence"))
    # The end use is a fact the factor reads: that alone reopens it ...
    result = assess(dataclasses.replace(worse, dispositions=(accepted,)))
    (outcome,) = result.dispositions
    assert outcome.outcome == "reopened"
    assert "the end use changed" in outcome.why
    # ... and with the same facts recorded, the severity rising reopens it too.
    rebased = dataclasses.replace(accepted, basis=factor_basis(worse.case, "end_use"))
    (outcome,) = assess(dataclasses.replace(worse, dispositions=(rebased,))).dispositions
    assert outcome.outcome == "reopened"
    assert outcome.why == "the end use factor rose from medium to critical"


def test_new_facts_on_the_case_reopen_an_accepted_risk_only_for_the_factor_reading_them() -> None:
    inputs = _documents_short()
    accepted = _accept(inputs, "end_use", "medium")
    more_docs = dataclasses.replace(inputs.case, documents=inputs.case.documents[:-1])
    result = assess(dataclasses.replace(inputs, case=more_docs, dispositions=(accepted,)))
    assert [o.outcome for o in result.dispositions] == ["applied"]  # end use reads no documents


def test_replay_of_inputs_with_dispositions_gives_the_same_result() -> None:
    inputs = _flagged()
    inputs = dataclasses.replace(
        inputs,
        dispositions=(_screening("false_positive", inputs), _accept(inputs, "documents", "low")),
    )
    again = AssessmentInputs.from_dict(inputs.to_dict())
    assert again == inputs
    assert again.inputs_hash() == inputs.inputs_hash()
    assert assess(again).to_dict() == assess(inputs).to_dict()


# --- verdict and next steps --------------------------------------------------------------


def test_a_prohibited_technology_says_do_not_ship_and_asks_to_file_nothing() -> None:
    case = make_case(
        ("Nd", "Pr", "Dy"), product_form="technology", producer=None, technology=NDFEB_PREP
    )
    result = assess(make_inputs(case))
    assert result.verdict == "do_not_ship"
    assert result.verdict_text.startswith("Do not ship: export is prohibited")
    steps = " ".join(s.text for s in result.next_steps).lower()
    assert "upload" not in steps
    assert "apply" not in steps
    assert "application" not in steps
    assert all(s.factor == "product_scope" for s in result.next_steps)


def test_a_licence_not_applied_for_holds_and_says_file_by_when() -> None:
    case = licensed_dy_case(licence=LicenceFacts("not_applied"), planned_ship_date=SHIP_DATE)
    result = assess(make_inputs(case))
    assert result.verdict == "hold"
    assert "an export licence covering this shipment is granted" in result.verdict_text
    filing = next(s for s in result.next_steps if s.factor == "licence")
    assert filing.who == "exporter"
    # Filed on 2026-04-08, the 45th working day (Labour Day 05-01..05 off, the make-up
    # Saturday 05-09 worked) is Friday 06-12, before the ship date; a day later it is 06-15.
    assert filing.by == D("2026-04-08")
    assert add_working_days(filing.by, 45, CALENDAR).day == D("2026-06-12")
    assert add_working_days(D("2026-04-09"), 45, CALENDAR).day == SHIP_DATE


def test_next_steps_are_merged_once_worst_first_with_who_and_by_when() -> None:
    case = dataclasses.replace(
        _with_end_user(make_case(), FUZZY),
        documents=SHIPMENT_FILE[:1],
        planned_ship_date=SHIP_DATE,
    )
    result = assess(make_inputs(case))
    texts = [s.text for s in result.next_steps]
    assert len(texts) == len(set(texts))
    assert result.next_steps[0].factor == result.factors[0].factor
    review = next(s for s in result.next_steps if "compliance lead" in s.text)
    assert review.who == "compliance_lead"
    assert all(s.by == SHIP_DATE for s in result.next_steps)


def test_medium_only_says_can_ship_if_and_clean_says_clear() -> None:
    medium = assess(make_inputs(make_case(end_use="semiconductors")))
    assert medium.verdict == "can_ship_if"
    assert medium.verdict_text == "Can ship if the end use is confirmed as civil"
    assert assess(make_inputs()).verdict_text == "Clear to ship"


def test_first_sentence_keeps_company_abbreviations() -> None:
    assert first_sentence("The buyer 'X Co., Ltd.' matches. Review it.") == (
        "The buyer 'X Co., Ltd.' matches"
    )


def test_do_not_ship_quotes_the_critical_finding_and_puts_the_stop_first() -> None:
    case = dataclasses.replace(
        _with_end_user(make_case(), "Lockheed Martin Corp.", "US"),
        end_use="aerospace",
        destination="US",
    )
    result = assess(make_inputs(case))
    assert result.verdict == "do_not_ship"
    # The end-use factor's reason reads worst first: the trade ban, not "aerospace ...".
    assert result.verdict_text.startswith(
        "Do not ship: the end user 'Lockheed Martin Corp.' matches 'Lockheed Martin Corporation'"
    )
    texts = [s.text for s in result.next_steps]
    assert texts[0].startswith("do not ship: the end user 'Lockheed Martin Corp.'")
    assert "review the watch-list match with the compliance lead" in texts
    assert not [t for t in texts if t.startswith(("obtain", "upload", "declare"))]

"""Snapshots made by the method's first edition still replay after the second edition."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Assessment
from assessments.services import assessment_replay
from method import METHOD_VERSION, AssessmentInputs, assess
from method.editions import e2026_11, e2026_12
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

# A first-edition snapshot's inputs as they were stored: one declared producer, the end user
# and consignee as text, one quota for the producer's holder.
FIRST_EDITION_INPUTS = e2026_11.AssessmentInputs(
    as_of=dt.date(2026, 3, 1),
    today=dt.date(2026, 2, 1),
    case=e2026_11.CaseFacts(
        reference="LS-OLD-1",
        elements=(e2026_11.ElementFacts("Dy", "ionic"),),
        product_form="oxide",
        end_use="automotive",
        end_user="Acme Motors GmbH",
        producer=e2026_11.ProducerFacts(
            id=1, name="Ganzhou Plant", group_key="creg", quota_holder_key="creg"
        ),
        licence=e2026_11.LicenceFacts(status="not_applied"),
    ),
    calendar=e2026_11.CalendarFacts(known_years=(2026,)),
    approved_list=e2026_11.ApprovedListFacts(
        version_id=1, label="2024", effective_from=dt.date(2024, 1, 1), producer_status="approved"
    ),
)


def _snapshot(case, inputs, result) -> Assessment:
    return Assessment.objects.create(
        case=case,
        as_of=inputs.as_of,
        band=result.band,
        score=result.score,
        method_version=result.method_version,
        trigger="created",
        factors=result.to_dict()["factors"],
        versions={},
        inputs=inputs.to_dict(),
        inputs_hash=result.inputs_hash,
    )


def test_a_first_edition_snapshot_replays_with_its_own_edition(world, officer):
    result = e2026_11.assess(FIRST_EDITION_INPUTS)
    assert result.method_version == "2026.11-2" != METHOD_VERSION
    snapshot = _snapshot(case_create(officer), FIRST_EDITION_INPUTS, result)
    replay = assessment_replay(assessment=snapshot)
    assert replay.error == ""
    assert replay.matches
    assert replay.hash_ok
    assert replay.factors_ok
    assert replay.method_version == "2026.11-2"


def test_a_tampered_first_edition_snapshot_does_not_replay(world, officer):
    result = e2026_11.assess(FIRST_EDITION_INPUTS)
    snapshot = _snapshot(case_create(officer), FIRST_EDITION_INPUTS, result)
    snapshot.inputs["case"]["end_user"] = "Someone else"
    replay = assessment_replay(assessment=snapshot)
    assert not replay.hash_ok
    assert not replay.matches


# A 2026.12-1 snapshot (parties and sources, before issue 13): a general licence for a
# Watch List party, which 2026.12-2 judges differently (no general licence covers it).
SECOND_EDITION_INPUTS = e2026_12.AssessmentInputs(
    as_of=dt.date(2026, 6, 1),
    today=dt.date(2026, 5, 4),
    case=e2026_12.CaseFacts(
        reference="LS-OLD-2",
        elements=(e2026_12.ElementFacts("Dy", "ionic"),),
        product_form="oxide",
        end_use="automotive",
        parties=(e2026_12.PartyFacts("end_user", "SUBARU Corporation", "JP"),),
        licence=e2026_12.LicenceFacts(
            status="granted",
            number="GL-1",
            valid_until=dt.date(2026, 12, 31),
            general_licence=True,
        ),
    ),
    calendar=e2026_12.CalendarFacts(known_years=(2026,)),
    measures=(
        e2026_12.MeasureFacts(
            id=3,
            key="mofcom-gacc-2025-18",
            title="MOFCOM/GACC Announcement No. 18 of 2025",
            layers=("licence",),
            effective_from=dt.date(2025, 4, 4),
            elements=("Dy",),
            forms=("oxide",),
        ),
    ),
    watch_candidates=(
        e2026_12.WatchEntryFacts(
            id=9,
            list_key="watch",
            list_name="Watch List",
            name="SUBARU Corporation",
            country="JP",
            notice="商务部公告2026年第12号",
        ),
    ),
)


def test_a_2026_12_1_snapshot_replays_with_its_own_edition(world, officer):
    result = e2026_12.assess(SECOND_EDITION_INPUTS)
    assert result.method_version == "2026.12-1" != METHOD_VERSION
    snapshot = _snapshot(case_create(officer), SECOND_EDITION_INPUTS, result)
    replay = assessment_replay(assessment=snapshot)
    assert replay.error == ""
    assert replay.matches
    assert replay.method_version == "2026.12-1"
    # The current method reads the same facts differently: the edition matters.
    current = assess(AssessmentInputs.from_dict(SECOND_EDITION_INPUTS.to_dict()))
    assert current.factor("licence").severity == "high"
    assert result.factor("licence").severity == "none"

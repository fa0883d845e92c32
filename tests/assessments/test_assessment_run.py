import datetime as dt

import pytest

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.services import assessment_replay, assessment_run
from shipments.models import Case, TimelineEvent
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)


def test_run_creates_snapshot_updates_case_and_writes_timeline(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    a = assessment_run(case=case, trigger=Trigger.CREATED, actor=officer, today=TODAY)
    assert Assessment.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.latest_assessment_id == a.pk
    assert case.band == a.band
    assert case.score == a.score
    assert case.assessed_at == a.created_at
    assert a.as_of == dt.date(2026, 3, 1)
    assert a.previous is None
    assert len(a.factors) == 6
    assert a.versions["list_version"] == world.list_2024.pk
    assert world.no18.pk in a.versions["measures"]
    event = TimelineEvent.objects.get(case=case, kind="assessed")
    assert event.actor == officer
    assert event.summary.startswith(f"Assessed: {a.get_band_display()}")
    assert event.data["new_band"] == a.band
    assert assessment_replay(assessment=a).matches


def test_second_run_links_previous_and_reports_old_band(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    first = assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)
    Case.objects.filter(pk=case.pk).update(licence_status="denied")
    second = assessment_run(case=case, trigger=Trigger.EDITED, actor=officer, today=TODAY)
    assert second.previous_id == first.pk
    assert second.band == "critical"
    latest = TimelineEvent.objects.filter(case=case).order_by("-pk").first()
    assert latest.data == {
        "assessment_id": second.pk,
        "old_band": first.band,
        "new_band": "critical",
        "score": second.score,
        "trigger": "edited",
        "reference_change_id": None,
    }
    assert f"(was {first.get_band_display()})" in latest.summary


def test_a_single_run_is_a_batch_of_one(world, officer):
    """One implementation: the single run and the batch write the same snapshot."""
    from assessments.services import assessments_rescore_batch

    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    single = assessment_run(case=case, trigger=Trigger.MANUAL, actor=officer, today=TODAY)
    stats = assessments_rescore_batch(
        case_ids=[case.pk], trigger=Trigger.MANUAL, actor=officer, today=TODAY
    )
    [batch_id] = stats.assessment_ids
    batch = Assessment.objects.get(pk=batch_id)
    assert batch.previous_id == single.pk
    for name in ("band", "score", "inputs_hash", "factors", "versions", "method_version"):
        assert getattr(batch, name) == getattr(single, name), name
    events = TimelineEvent.objects.filter(case=case, kind="assessed").order_by("pk")
    assert [e.data["assessment_id"] for e in events][-2:] == [single.pk, batch.pk]


def test_a_closed_case_is_assessed_on_demand_but_not_by_a_rescore(world, officer):
    from assessments.services import assessments_rescore_batch

    case = case_create(officer, producer=world.creg_plant, elements=("Nd",))
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert assessments_rescore_batch(case_ids=[case.pk], trigger=Trigger.SCHEDULED).processed == 0
    a = assessment_run(case=case, trigger=Trigger.MANUAL, actor=officer, today=TODAY)
    case.refresh_from_db()
    assert case.latest_assessment_id == a.pk

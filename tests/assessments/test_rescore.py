import datetime as dt

import pytest
from django.core.management import call_command

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.services import assessment_replay, assessment_run, assessments_rescore_batch
from assessments.tasks import rescore_change, sweep
from registry.models import ApprovedListEntry, QuotaAllocation, ReferenceChange
from shipments.models import Case, TimelineEvent
from tests.assessments.factories import case_create, change_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)
IN_2024 = dt.date(2024, 8, 1)


def _assessed(*cases):
    for case in cases:
        assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)


def test_processing_the_same_change_twice_adds_nothing(world, officer):
    a = case_create(officer, producer=world.creg_plant, elements=("Nd", "Pr"))
    b = case_create(officer, producer=world.northern_plant)
    _assessed(a, b)
    old_band = Case.objects.get(pk=a.pk).band
    ApprovedListEntry.objects.filter(producer=world.creg_plant).update(status="removed")
    change = change_create(producer_ids=[world.creg_plant.pk])
    done = rescore_change(change, today=TODAY)
    assert done.status == "done"
    assert done.affected_count == 1
    assert done.done_count == 1
    assert done.band_changed_count == 1
    assert Assessment.objects.filter(reference_change=change).count() == 1
    before = (Assessment.objects.count(), TimelineEvent.objects.count())
    assert rescore_change(change, today=TODAY) is None  # done: nothing to claim
    # Processed again all the same (a worker lost the job after its last chunk committed).
    ReferenceChange.objects.filter(pk=change.pk).update(status="failed")
    again = rescore_change(change, today=TODAY)
    assert (Assessment.objects.count(), TimelineEvent.objects.count()) == before
    assert again.done_count == 1
    assert again.band_changed_count == 1
    assert again.attempts == 2
    a.refresh_from_db()
    assert a.band in ("high", "critical")
    assert a.band != old_band
    event = TimelineEvent.objects.filter(case=a).order_by("-pk").first()
    assert f"reference change #{change.pk}" in event.summary


def test_unchanged_result_writes_no_snapshot(world, officer):
    case = case_create(officer, producer=world.northern_plant)
    _assessed(case)
    change = change_create(kind="measure", elements=["Nd"])
    done = rescore_change(change, today=TODAY)
    assert done.affected_count == 1
    assert done.done_count == 1
    assert not Assessment.objects.filter(reference_change=change).exists()
    assert Assessment.objects.filter(case=case).count() == 1


def test_batch_skips_closed_cases_and_updates_open_ones(world, officer):
    open_case = case_create(officer, producer=world.creg_plant, elements=("Dy",))
    closed = case_create(officer, producer=world.creg_plant, elements=("Dy",), status="closed")
    stats = assessments_rescore_batch(
        case_ids=[open_case.pk, closed.pk], trigger=Trigger.SCHEDULED, today=TODAY
    )
    assert stats.created == 1
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.latest_assessment is not None
    assert open_case.assessed_at is not None
    assert closed.latest_assessment is None


def test_cutting_ionic_allocation_escalates_dy_cases_not_ndpr(world, officer):
    dy = case_create(
        officer, producer=world.creg_plant, elements=("Nd", "Dy"), ship=dt.date(2024, 9, 1)
    )
    ndpr = case_create(
        officer, producer=world.creg_plant, elements=("Nd", "Pr"), ship=dt.date(2024, 9, 1)
    )
    for case in (dy, ndpr):  # before the 2024 ship date: judged on the 2024 cycle
        assessment_run(case=case, trigger=Trigger.CREATED, today=IN_2024)
    old_dy, old_ndpr = Case.objects.get(pk=dy.pk).band, Case.objects.get(pk=ndpr.pk).band
    QuotaAllocation.objects.filter(group=world.creg, category="ionic").update(tonnes=0)
    change = change_create(kind="quota_allocation", group_ids=[world.creg.pk])
    rescore_change(change, today=IN_2024)
    dy.refresh_from_db()
    ndpr.refresh_from_db()
    assert dy.band in ("high", "critical")
    assert dy.band != old_dy
    # The holder's allocation table is part of every one of its cases' inputs, so the NdPr
    # case may get a snapshot, but its band does not move.
    assert ndpr.band == old_ndpr
    change.refresh_from_db()
    assert change.band_changed_count == 1


def test_sweep_picks_up_a_suspension_lapse(world, officer):
    case = case_create(
        officer, producer=world.creg_plant, elements=("Eu",), form="oxide", ship=None
    )
    before = assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2026, 11, 1))
    assert "lapsed" not in str(before.factors)
    untouched = case_create(officer, producer=world.northern_plant, ship=dt.date(2027, 3, 1))
    assessment_run(case=untouched, trigger=Trigger.CREATED, today=dt.date(2026, 11, 1))
    result = sweep.apply(kwargs={"today": "2026-11-15"}).get()
    assert result["due"] == 1
    case.refresh_from_db()
    latest = case.latest_assessment
    assert latest.trigger == "scheduled"
    assert latest.band != before.band
    assert "lapsed" in next(f for f in latest.factors if f["factor"] == "product_scope")["reason"]
    assert Assessment.objects.filter(case=untouched).count() == 1
    # Nothing is due again the same day.
    assert sweep.apply(kwargs={"today": "2026-11-15"}).get()["due"] == 0


def test_sweep_assesses_never_assessed_cases_and_requeues_failed_changes(world, officer):
    case = case_create(officer, producer=world.northern_plant)
    failed = change_create(producer_ids=[world.northern_plant.pk])
    ReferenceChange.objects.filter(pk=failed.pk).update(status="failed", attempts=1)
    sweep.apply(kwargs={"today": "2026-02-01"}).get()
    failed.refresh_from_db()
    assert failed.status == "done"  # re-enqueued and run eagerly
    case.refresh_from_db()
    assert case.latest_assessment is not None


def test_replay_reproduces_every_stored_assessment(world, officer):
    for elements, form, end_user in [
        (("Dy",), "magnet", "Lockheed Martin"),
        (("Eu",), "oxide", "Acme"),
        (("Nd", "Pr"), "metal", "Skydio Inc"),
    ]:
        case = case_create(
            officer, producer=world.creg_plant, elements=elements, form=form, end_user=end_user
        )
        _assessed(case)
    assert Assessment.objects.count() == 3
    for a in Assessment.objects.all():
        replay = assessment_replay(assessment=a)
        assert replay.matches, replay


def test_replay_detects_tampered_inputs(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Dy",))
    a = assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)
    a.inputs["case"]["licence"]["status"] = "denied"
    Assessment.objects.filter(pk=a.pk).update(inputs=a.inputs)
    a.refresh_from_db()
    replay = assessment_replay(assessment=a)
    assert not replay.matches
    assert not replay.hash_ok
    with pytest.raises(SystemExit) as exit_info:
        call_command("assessment_replay", "--id", str(a.pk))
    assert exit_info.value.code == 1


def test_a_passed_ship_date_moves_the_case_to_today_on_the_sweep(world, officer):
    # Eu oxide planned for 2026-11-05 (No. 57 suspended then); the sweep runs in December.
    case = case_create(
        officer, producer=world.creg_plant, elements=("Eu",), form="oxide",
        ship=dt.date(2026, 11, 5),
    )  # fmt: skip
    before = assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2026, 11, 1))
    assert before.as_of == dt.date(2026, 11, 5)
    assert not before.versions["licence_required"]
    far = case_create(officer, producer=world.northern_plant, ship=dt.date(2027, 3, 1))
    assessment_run(case=far, trigger=Trigger.CREATED, today=dt.date(2026, 11, 1))
    assert sweep.apply(kwargs={"today": "2026-12-03"}).get()["due"] == 1
    case.refresh_from_db()
    latest = case.latest_assessment
    assert latest.as_of == dt.date(2026, 12, 3)
    assert latest.versions["licence_required"]  # No. 70's suspension lapsed on 2026-11-10
    scope = next(f for f in latest.factors if f["factor"] == "product_scope")
    assert scope["reason"].startswith("Planned ship date 2026-11-05 has passed")
    assert Assessment.objects.filter(case=far).count() == 1  # nothing it reads moved


def test_a_decision_becoming_overdue_is_due_on_the_sweep_and_only_then(world, officer):
    case = case_create(
        officer, producer=world.creg_plant, elements=("Dy",), form="oxide",
        ship=dt.date(2026, 9, 1), licence_status="applied",
        licence_applied_on=dt.date(2026, 3, 2),
    )  # fmt: skip
    first = assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2026, 4, 1))
    due = dt.date.fromisoformat(first.versions["decision_due"])  # 45 working days on
    assert due > dt.date(2026, 4, 1)
    assert sweep.apply(kwargs={"today": str(due)}).get()["due"] == 0  # due today
    after = due + dt.timedelta(days=1)
    assert sweep.apply(kwargs={"today": str(after)}).get()["due"] == 1
    case.refresh_from_db()
    licence = next(f for f in case.latest_assessment.factors if f["factor"] == "licence")
    assert licence["severity"] == "medium"
    assert "decision overdue by" in licence["reason"]
    assert sweep.apply(kwargs={"today": str(after + dt.timedelta(days=1))}).get()["due"] == 0

"""Lean snapshots (issue 16): the reference data a case was judged against is stored once and
shared; the row keeps the case's own inputs and the result; replay rebuilds the exact inputs
and their hash; a reference change on a later day writes nothing for a case whose answer the
dates did not move; the storage migration is reversible and replays equal both ways."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments import snapshots
from assessments.choices import Trigger
from assessments.models import Assessment, ReferencePart
from assessments.selectors import ReferenceData, assessment_inputs_build
from assessments.services import assessment_replay, assessment_run
from assessments.tasks import rescore_change
from registry.models import ApprovedListEntry
from tests.assessments.factories import case_create, change_create

TODAY = dt.date(2026, 2, 1)


def _assessed(*cases, today=TODAY):
    return [assessment_run(case=c, trigger=Trigger.CREATED, today=today) for c in cases]


@pytest.mark.django_db
def test_cases_judged_against_the_same_reference_data_share_one_part(world, officer):
    a, b = (case_create(officer, producer=world.northern_plant) for _ in range(2))
    other = case_create(officer, producer=world.creg_plant, elements=("Dy",), form="magnet")
    first, second, third = _assessed(a, b, other)
    assert first.reference_part_id == second.reference_part_id
    assert third.reference_part_id != first.reference_part_id
    assert ReferencePart.objects.count() == 2
    # The row holds only the case's own inputs; the part holds the rest, under its digest.
    assert set(first.inputs) == set(snapshots.ROW_KEYS)
    part = first.reference_part
    assert "measures" in part.data
    assert "case" not in part.data
    assert part.digest == snapshots.digest(part.data)


@pytest.mark.django_db
def test_the_stored_parts_rebuild_exactly_the_inputs_and_their_hash(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Dy",), end_user="Acme")
    (a,) = _assessed(case)
    inputs, _ = assessment_inputs_build(case, today=TODAY)
    assert a.full_inputs == inputs.to_dict()
    assert snapshots.digest(a.full_inputs) == a.inputs_hash == inputs.inputs_hash()
    # The spliced hash the batch computes is the method's own.
    stored = ReferenceData.load().stored_inputs(inputs)
    assert stored.inputs_hash == inputs.inputs_hash()
    replay = assessment_replay(assessment=a)
    assert replay.matches
    assert replay.hash_ok


@pytest.mark.django_db
def test_a_tampered_part_does_not_replay(world, officer):
    (a,) = _assessed(case_create(officer, producer=world.northern_plant))
    part = a.reference_part
    part.data["settings"]["strong_match"] = 50.0
    ReferencePart.objects.filter(pk=part.pk).update(data=part.data)
    a = Assessment.objects.get(pk=a.pk)
    replay = assessment_replay(assessment=a)
    assert not replay.hash_ok
    assert not replay.matches


def test_split_and_merge_are_inverse_and_refuse_overlap():
    whole = {"as_of": "2026-02-01", "today": "2026-02-01", "case": {}, "measures": [1]}
    row, part = snapshots.split(whole)
    assert row == {"as_of": "2026-02-01", "today": "2026-02-01", "case": {}}
    assert snapshots.merge(row, part) == whole
    assert snapshots.merge(whole, None) == whole
    with pytest.raises(ValueError, match="both hold"):
        snapshots.merge(row, {"case": {}})


@pytest.mark.django_db
def test_a_change_on_a_later_day_writes_nothing_when_the_answer_is_the_same(world, officer):
    case = case_create(officer, producer=world.northern_plant, ship=dt.date(2026, 6, 1))
    (first,) = _assessed(case)
    later = TODAY + dt.timedelta(days=3)
    change = change_create(kind="measure", elements=["Nd"])
    done = rescore_change(change, today=later)
    assert done.done_count == 1
    assert not Assessment.objects.filter(reference_change=change).exists()
    assert Assessment.objects.filter(case=case).count() == 1
    # The same day's inputs differ (today moved) and the answer does not.
    inputs, _ = assessment_inputs_build(case, today=later)
    assert inputs.inputs_hash() != first.inputs_hash


@pytest.mark.django_db
def test_a_change_on_a_later_day_that_moves_the_answer_writes_a_snapshot(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Pr"))
    (first,) = _assessed(case)
    ApprovedListEntry.objects.filter(producer=world.creg_plant).update(status="removed")
    change = change_create(producer_ids=[world.creg_plant.pk])
    rescore_change(change, today=TODAY + dt.timedelta(days=3))
    new = Assessment.objects.get(reference_change=change)
    assert new.outcome_hash != first.outcome_hash
    assert new.band != first.band


@pytest.mark.django_db
def test_the_replay_command_prints_a_fingerprint_that_is_stable(world, officer):
    _assessed(case_create(officer, producer=world.northern_plant))
    outs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("assessment_replay", "--all", "--fingerprint", stdout=out)
        outs.append(out.getvalue())
    assert "1 replayed, 0 mismatched" in outs[0]
    assert "fingerprint " in outs[0]
    assert outs[0] == outs[1]


BEFORE = [("assessments", "0005_rescore_chunks")]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("assessments")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _fingerprint() -> str:
    out = io.StringIO()
    call_command("assessment_replay", "--all", "--fingerprint", stdout=out)
    assert "0 mismatched" in out.getvalue(), out.getvalue()
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_storage_migration_is_reversible_and_replays_equal(world, officer):
    cases = [
        case_create(officer, producer=world.northern_plant),
        case_create(officer, producer=world.northern_plant),
        case_create(officer, producer=world.creg_plant, elements=("Dy",), form="magnet"),
    ]
    _assessed(*cases)
    lean_before = {a.pk: (a.inputs, a.reference_part_id) for a in Assessment.objects.all()}
    whole = {a.pk: a.full_inputs for a in Assessment.objects.all()}
    fingerprint = _fingerprint()

    old = _migrate(BEFORE)  # back: every row holds its whole inputs again, no parts
    rows = dict(old.get_model("assessments", "Assessment").objects.values_list("pk", "inputs"))
    assert rows == whole
    fresh = old.get_model("assessments", "Assessment").objects.values_list("pk", flat=True)
    assert set(fresh) == set(whole)

    _migrate(_latest())  # forward: split again, each distinct part stored once
    assert ReferencePart.objects.count() == 2
    after = {a.pk: a for a in Assessment.objects.select_related("reference_part")}
    assert {pk: a.full_inputs for pk, a in after.items()} == whole
    assert {pk: a.inputs for pk, a in after.items()} == {
        pk: row for pk, (row, _) in lean_before.items()
    }
    assert _fingerprint() == fingerprint

"""A real worker consuming from Redis re-scores exactly the cases a change affects."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.services import assessment_run
from assessments.tasks import sweep
from registry.models import (
    ApprovedListVersion,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    ReferenceChange,
)
from registry.services import approved_list_publish, reference_change_record
from registry.services.keys import ChangeKeys, group_ids_with_predecessors
from shipments.models import Case
from tests.assessments.factories import case_create, world_create

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_done(change: ReferenceChange, timeout: float = 60) -> ReferenceChange:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        change.refresh_from_db()
        if change.status == "done":
            return change
        time.sleep(0.2)
    raise AssertionError(f"change #{change.pk} still {change.status}: {change.last_error}")


def _assess(*cases):
    for case in cases:
        assessment_run(case=case, trigger=Trigger.CREATED)


def test_publishing_a_list_that_removes_a_producer_rescores_only_its_open_cases(
    celery_worker, officer
):
    w = world_create()
    removed = [
        case_create(officer, producer=w.creg_plant, ship=dt.date(2026, 3, 1)) for _ in range(2)
    ]
    closed = case_create(officer, producer=w.creg_plant, ship=dt.date(2026, 3, 1))
    other = case_create(officer, producer=w.northern_plant, ship=dt.date(2026, 3, 1))
    _assess(*removed, closed, other)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    version = ApprovedListVersion.objects.create(
        label="2026 list", effective_from=dt.date(2026, 1, 1)
    )
    version.entries.create(producer=w.northern_plant, status="approved")
    version.entries.create(producer=w.xiamen_plant, status="approved")
    version.entries.create(producer=w.creg_plant, status="removed")
    with transaction.atomic():
        change = approved_list_publish(version=version)  # enqueues the re-score on commit
    change = _wait_done(change)
    assert change.affected_count == 2
    assert change.done_count == 2
    assert set(
        Assessment.objects.filter(reference_change=change).values_list("case_id", flat=True)
    ) == {c.pk for c in removed}
    assert Assessment.objects.filter(case=closed).count() == 1
    assert Assessment.objects.filter(case=other).count() == 1
    for case in removed:
        case.refresh_from_db()
        assert case.band in ("high", "critical")
        assert case.latest_assessment.reference_change_id == change.pk


def test_cutting_ionic_allocation_to_zero_escalates_dy_and_tb_not_ndpr(celery_worker, officer):
    w = world_create()
    # 2027 volumes are unpublished; staff recorded the group's reported allocations, which
    # count (second edition). Dy and Tb are licensed, with their shipment file.
    cycle = QuotaCycle.objects.create(year=2027, published=False, confidence="reported")
    batch = QuotaBatch.objects.create(cycle=cycle, number=1)
    for kind, category, tonnes in [
        ("mining", "light", 10000),
        ("smelting", "light", 10000),
        ("mining", "ionic", 19150),
        ("smelting", "ionic", 15000),
    ]:
        QuotaAllocation.objects.create(
            batch=batch, group=w.creg, kind=kind, category=category, tonnes=tonnes
        )
    ship = dt.date(2027, 3, 1)
    licensed = {
        "licence_status": "granted",
        "licence_valid_until": dt.date(2027, 12, 31),
        "documents": (
            "contract",
            "commercial_invoice",
            "packing_list",
            "end_user_certificate",
            "licence",
        ),
    }
    dy = case_create(officer, producer=w.creg_plant, elements=("Nd", "Dy"), ship=ship, **licensed)
    tb = case_create(
        officer, producer=w.xiamen_plant, elements=("Tb",), form="metal", ship=ship, **licensed
    )
    ndpr = case_create(officer, producer=w.creg_plant, elements=("Nd", "Pr"), ship=ship)
    _assess(dy, tb, ndpr)
    before = dict(Case.objects.values_list("pk", "band"))
    assert before[dy.pk] not in ("high", "critical")
    with transaction.atomic():
        QuotaAllocation.objects.filter(batch=batch, category="ionic").update(tonnes=0)
        change = reference_change_record(
            kind="quota_allocation",
            summary="2027 ionic allocations of China Rare Earth Group recorded as zero",
            keys=ChangeKeys.of(group_ids=group_ids_with_predecessors(w.creg)),
        )
    change = _wait_done(change)
    after = dict(Case.objects.values_list("pk", "band"))
    for case in (dy, tb):
        assert after[case.pk] in ("high", "critical")
        assert after[case.pk] != before[case.pk]
    assert after[ndpr.pk] == before[ndpr.pk]
    assert change.band_changed_count == 2


def test_sweep_on_the_worker_picks_up_a_suspension_lapse(celery_worker, officer):
    w = world_create()
    case = case_create(officer, producer=w.creg_plant, elements=("Eu",), form="oxide", ship=None)
    first = assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2026, 11, 1))
    sweep.delay("2026-11-15")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        case.refresh_from_db()
        if case.latest_assessment_id != first.pk:
            break
        time.sleep(0.2)
    latest = case.latest_assessment
    assert latest.trigger == "scheduled"
    assert latest.band != first.band
    scope = next(f for f in latest.factors if f["factor"] == "product_scope")
    assert "lapsed" in scope["reason"]
    assert latest.created_at <= timezone.now()


def test_role_groups_survive_the_worker_tests(officer):
    # Runs after the transactional tests above (file order): the roles are still there.
    assert officer.groups.exists()

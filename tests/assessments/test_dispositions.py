"""Dispositions on the Django side (issue 14): recorded pending, approved by a second
officer (never the author), read by the method, reopened when the list entry changes and
lapsed on expiry, each exactly once with one alert per person."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.choices import Trigger
from assessments.dispositions.decisions import (
    disposition_approve,
    disposition_create,
    disposition_revoke,
)
from assessments.dispositions.settle import dispositions_settle
from assessments.models import Disposition
from assessments.services import assessment_replay, assessment_run
from assessments.tasks import rescore_change, sweep
from notifications.models import OutboxMessage
from registry.models import ReferenceChange
from registry.services import watch_list_entry_upsert
from shipments.models import Case
from tests.assessments.conftest import FUZZY
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db


def _clear(case, world, officer, **extra):
    return disposition_create(
        case=case,
        kind="false_positive",
        actor=officer,
        reason="A different company: registry extract on file",
        expires_on=timezone.localdate() + dt.timedelta(days=90),
        watch_entry=world.lockheed,
        party_role="end_user",
        **extra,
    )


def test_a_cleared_false_positive_approved_by_a_second_officer_drops_the_band(
    world, flagged, officer, second_officer
):
    raw = flagged.band
    assert raw in ("high", "critical")
    d = _clear(flagged, world, officer)
    assert d.status == "pending"
    assert d.party_name == FUZZY
    assert dict(d.basis).keys() >= {"entry_names", "party_name"}
    flagged.refresh_from_db()
    assert flagged.band == raw  # pending changes nothing
    disposition_approve(disposition=d, actor=second_officer)
    flagged.refresh_from_db()
    assert flagged.band not in ("high", "critical")
    assert flagged.raw_band == raw
    latest = flagged.latest_assessment
    assert latest.inputs["dispositions"][0]["id"] == d.pk
    assert latest.versions["dispositions"] == [{"id": d.pk, "outcome": "applied", "why": ""}]
    assert assessment_replay(assessment=latest).matches


def test_the_author_cannot_approve_and_a_viewer_cannot_record(world, flagged, officer, viewer):
    d = _clear(flagged, world, officer)
    with pytest.raises(ValidationError) as e:
        disposition_approve(disposition=d, actor=officer)
    assert "approver" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        _clear(flagged, world, viewer)
    assert Disposition.objects.get(pk=d.pk).status == "pending"


def test_the_entry_gaining_the_alias_reopens_it_re_assesses_and_alerts_once(
    world, flagged, officer, second_officer
):
    d = _clear(flagged, world, officer)
    disposition_approve(disposition=d, actor=second_officer)
    before = OutboxMessage.objects.count()
    watch_list_entry_upsert(
        watch_list=world.uel,
        entry=world.lockheed,
        name=world.lockheed.name,
        aliases=[*world.lockheed.aliases, FUZZY],
    )
    change = ReferenceChange.objects.latest("pk")
    rescore_change(change, today=timezone.localdate())
    d.refresh_from_db()
    assert d.status == "reopened"
    assert d.status_reason == "the list entry's name or aliases changed"
    flagged.refresh_from_db()
    assert flagged.band == "critical"  # a known alias now: the trade ban bites
    mails = OutboxMessage.objects.order_by("pk")[before:]
    recipients = sorted(m.recipient.get_username() for m in mails if "reopened" in m.subject)
    assert recipients == sorted({officer.get_username(), second_officer.get_username()})
    # Settling the same result again moves nothing and tells nobody twice.
    latest = flagged.latest_assessment
    from method import AssessmentInputs, assess

    result = assess(AssessmentInputs.from_dict(latest.full_inputs))
    after = OutboxMessage.objects.count()
    assert dispositions_settle(pairs=[(latest, result)]) == 0
    assert OutboxMessage.objects.count() == after


def test_an_expired_acceptance_lapses_on_the_sweep(world, officer, second_officer):
    case = case_create(officer, producer=world.northern_plant, end_use="semiconductors")
    assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    case.refresh_from_db()
    assert (
        next(f for f in case.latest_assessment.factors if f["factor"] == "end_use")["severity"]
        == "medium"
    )
    d = disposition_create(
        case=case,
        kind="risk_accepted",
        actor=officer,
        reason="Civil fab, audited",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        factor="end_use",
    )
    disposition_approve(disposition=d, actor=second_officer)
    assert d.accepted_severity == "medium"
    later = timezone.localdate() + dt.timedelta(days=31)
    sweep.apply(kwargs={"today": later.isoformat()}).get()
    d.refresh_from_db()
    assert d.status == "lapsed"
    case.refresh_from_db()
    assert case.raw_band == case.band


def test_revoking_an_approved_disposition_restores_the_raw_band(
    world, flagged, officer, second_officer
):
    raw = flagged.band
    d = _clear(flagged, world, officer)
    disposition_approve(disposition=d, actor=second_officer)
    disposition_revoke(disposition=d, actor=officer, reason="Entered on the wrong case")
    assert Case.objects.get(pk=flagged.pk).band == raw

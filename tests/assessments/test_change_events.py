"""A re-assessment that moves a case's band or verdict tells the listeners: one webhook
delivery per subscribed endpoint, written in the snapshot's transaction (issue 14)."""

import datetime as dt

import pytest

from assessments.choices import Trigger
from assessments.services import assessment_run
from notifications.models import WebhookDelivery
from notifications.services import webhook_endpoint_create
from shipments.models import Case
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)


def test_a_band_and_verdict_change_queue_one_delivery_each_with_the_raw_band(
    world, officer, staff_user
):
    endpoint = webhook_endpoint_create(
        name="ERP",
        url="http://127.0.0.1:9/hook",
        events=["case.band_changed", "case.verdict_changed"],
        actor=staff_user,
    )
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    first = assessment_run(case=case, trigger=Trigger.CREATED, actor=officer, today=TODAY)
    assert not WebhookDelivery.objects.exists()  # a first band is no change
    Case.objects.filter(pk=case.pk).update(licence_status="denied")
    second = assessment_run(case=case, trigger=Trigger.EDITED, actor=officer, today=TODAY)
    assert second.band == "critical" != first.band
    band = WebhookDelivery.objects.get(endpoint=endpoint, event="case.band_changed")
    assert band.body["data"]["old_band"] == first.band
    assert band.body["data"]["new_band"] == "critical"
    assert band.body["data"]["raw_band"] == "critical"
    assert band.body["case"]["reference"] == case.reference
    verdict = WebhookDelivery.objects.get(endpoint=endpoint, event="case.verdict_changed")
    assert verdict.body["data"]["new_verdict"] == "do_not_ship"
    assert verdict.body["data"]["verdict_text"].startswith("Do not ship: ")
    case.refresh_from_db()
    assert case.verdict == "do_not_ship"
    assert case.verdict_text == second.versions["verdict_text"]
    assert case.raw_band == "critical"
    # The same inputs again: nothing moves, nothing is sent.
    assessment_run(case=case, trigger=Trigger.EDITED, actor=officer, today=TODAY)
    assert WebhookDelivery.objects.count() == 2

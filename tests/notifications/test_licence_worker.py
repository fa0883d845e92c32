"""End to end with a real worker and a real SMTP server: a licence's quantity is consumed
by two shipments and the third is flagged; a document nearing expiry produces one reminder."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from notifications.choices import DeliveryMode
from notifications.models import NotificationPreference
from notifications.tasks import document_expiry_remind
from shipments.models import Document
from shipments.services import case_create
from shipments.services.licences import licence_create
from tests.assessments.factories import world_create


def _licence_factor(case) -> dict:
    case.refresh_from_db()
    return next(f for f in case.latest_assessment.factors if f["factor"] == "licence")


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_licence_is_consumed_and_an_expiring_document_reminds_once(
    celery_worker, smtp_server, officer
):
    world = world_create()
    today = timezone.localdate()
    licence = licence_create(
        actor=officer,
        number="GL-E2E-1",
        holder="Ningbo Exporter Co",
        pathway="general",
        status="granted",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=365),
        items=["Dy"],
        forms=["oxide"],
        quantity_kg=Decimal("1000"),
        named_parties=["Acme Motors GmbH"],
    )
    cases = []
    for n in range(3):
        with transaction.atomic():
            cases.append(
                case_create(
                    actor=officer,
                    reference=f"E2E-LIC-{n + 1}",
                    buyer="Acme Motors GmbH",
                    exporter="Ningbo Exporter Co",
                    producer=world.creg_plant,
                    product_form="oxide",
                    quantity_kg=Decimal("400"),
                    destination="DE",
                    end_use="automotive",
                    end_user="Acme Motors GmbH",
                    elements={"Dy": Decimal("100")},
                    planned_ship_date=today + dt.timedelta(days=40 + n),
                    licence_record=licence,
                )
            )
    first, second, third = (_licence_factor(case) for case in cases)
    assert first["severity"] == "none", first
    assert second["severity"] == "none", second
    assert third["severity"] == "high"
    assert "covers 200 kg more (800 kg of 1,000 kg taken by earlier shipments)" in third["reason"]
    assert "this shipment needs 400 kg" in third["reason"]

    # The owner wants reminders at once; the contract of the first case expires in 10 days.
    NotificationPreference.objects.update_or_create(
        user=officer, defaults={"document_reminders": DeliveryMode.IMMEDIATE}
    )
    Document.objects.create(
        case=cases[0],
        doc_type="contract",
        status="verified",
        expires_on=today + dt.timedelta(days=10),
        uploaded_by=officer,
    )
    document_expiry_remind.delay()
    _wait_for(lambda: len(smtp_server.handler.to(officer.email)) == 1)
    document_expiry_remind.delay()  # the same day again: nothing new
    time.sleep(3)
    (message,) = smtp_server.handler.to(officer.email)
    assert "E2E-LIC-1" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert str(today + dt.timedelta(days=10)) in body

"""Outbound webhooks (issue 14): case events queued as deliveries, and staff's controls.

`webhook_deliveries_queue` is the webhooks half of the assessments.case_events port
(services/events.py): in the caller's transaction it writes one `WebhookDelivery` per event
and listening endpoint, with the JSON body fixed at that moment, and kicks the sender on
commit. A change that rolls back queues nothing. Sending, signing and disabling are in
webhook_sending.py; the receiver's side is in docs/api.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from assessments.ports import CASE_EVENTS, CaseEvent
from notifications import selectors
from notifications.choices import DeliveryStatus
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services._rows import row_requeue
from notifications.services.kick import webhooks_kick
from notifications.services.rendering import case_url
from shipments.models import Case

logger = logging.getLogger(__name__)

# Sent by staff's "send test event" action, whatever the endpoint subscribes to.
TEST_EVENT = "webhook.test"


def webhook_body(
    *, event_id: uuid.UUID, event: str, occurred_at: dt.datetime, case: Case | None, data: dict
) -> dict:
    return {
        "id": str(event_id),
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "case": None
        if case is None
        else {"id": case.pk, "reference": case.reference, "url": case_url(case)},
        "data": data,
    }


def webhook_deliveries_queue(*, events: list[CaseEvent]) -> int:
    """One delivery per event and listening endpoint subscribed to it, in the caller's
    transaction; the sender is kicked when it commits. Returns the rows written."""
    unknown = {e.event for e in events} - set(CASE_EVENTS)
    if unknown:
        # A caller's mistake must not fail its change: logged, and those events are not sent.
        logger.error("Unknown case events not sent to webhooks: %s", sorted(unknown))
        events = [e for e in events if e.event not in unknown]
    endpoints = list(selectors.webhook_endpoints_listening())
    if not events or not endpoints:
        return 0
    cases = Case.objects.only("pk", "reference").in_bulk({e.case_id for e in events})
    now = timezone.now()
    deliveries = []
    for event in events:
        event_id = uuid.uuid4()
        case = cases.get(event.case_id)
        body = webhook_body(
            event_id=event_id, event=event.event, occurred_at=now, case=case, data=event.data
        )
        deliveries.extend(
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event=event.event,
                case=case,
                body=body,
                next_attempt_at=now,
            )
            for endpoint in endpoints
            if endpoint.wants(event.event)
        )
    if not deliveries:
        return 0
    WebhookDelivery.objects.bulk_create(deliveries)
    webhooks_kick()
    return len(deliveries)


@transaction.atomic
def webhook_endpoint_create(
    *, name: str, url: str, events: list[str], actor: AbstractBaseUser, active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (shown to staff on its admin page)."""
    endpoint = WebhookEndpoint(name=name, url=url, events=events, active=active, created_by=actor)
    endpoint.full_clean()
    endpoint.save()
    logger.info("Webhook endpoint %s (%s) created by user %s", endpoint.pk, url, actor.pk)
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, actor: AbstractBaseUser) -> int:
    """Turn an endpoint back on (after staff fixed the receiver): its failure count starts
    again, and its waiting deliveries, failed ones with a fresh day of retries, go out now.
    Dead letters stay dead (retry them one by one). Returns the deliveries now due."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.active = True
    endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.full_clean()
    endpoint.save()
    due = endpoint.deliveries.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED)
    ).update(next_attempt_at=timezone.now(), first_failed_at=None)
    logger.info("Webhook endpoint %s re-enabled by user %s: %s due", endpoint.pk, actor.pk, due)
    webhooks_kick()
    return due


@transaction.atomic
def webhook_endpoint_test(*, endpoint: WebhookEndpoint, actor: AbstractBaseUser) -> WebhookDelivery:
    """Queue a `webhook.test` delivery to this endpoint (sent only while it is active)."""
    event_id = uuid.uuid4()
    delivery = WebhookDelivery(
        endpoint=endpoint,
        event_id=event_id,
        event=TEST_EVENT,
        body=webhook_body(
            event_id=event_id,
            event=TEST_EVENT,
            occurred_at=timezone.now(),
            case=None,
            data={"endpoint": endpoint.name, "requested_by": actor.get_username()},
        ),
    )
    delivery.full_clean()
    delivery.save()
    webhooks_kick()
    return delivery


@transaction.atomic
def webhook_delivery_retry(
    *, delivery: WebhookDelivery, actor: AbstractBaseUser
) -> WebhookDelivery:
    """Queue a failed or dead delivery for another attempt now (same id, same body)."""
    delivery = row_requeue(WebhookDelivery, pk=delivery.pk, now=timezone.now(), noun="deliveries")
    logger.info("Webhook delivery %s retry requested by user %s", delivery.pk, actor.pk)
    webhooks_kick()
    return delivery

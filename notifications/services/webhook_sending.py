"""Sending webhook deliveries: claim what is due, sign, POST, record the outcome.

The retry chain is the outbox's (services._rows): claimed under a row lock, so concurrent
flushes never send the same row; backoff from 30 s doubling to 4 hours; a delivery failing
for a day while its endpoint works for others is a dead letter. A delivered row is never
sent again. At least once only where it cannot be otherwise: a sender that dies after the
receiver answered but before the row says "delivered" leaves it in ``sending``; after the
lease it is sent again with the same Lodestone-Delivery id, which receivers deduplicate on.

Every failed attempt counts against its endpoint; `LODESTONE_WEBHOOK_DISABLE_AFTER` in a
row disable it and e-mail staff once (an outbox row). A success resets the count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import selectors
from notifications.choices import DeliveryStatus, MessageKind
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services._common import FLUSH_BATCH, FLUSH_TIME_BUDGET
from notifications.services._rows import error_text, row_claim, row_done, row_failed
from notifications.services.alerts import staff_notices_queue
from notifications.services.rendering import _site_url

logger = logging.getLogger(__name__)

USER_AGENT = "Lodestone-Webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer other than 2xx (a failure), not a second POST somewhere else.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def webhook_body_bytes(body: dict) -> bytes:
    """The exact bytes sent and signed: the same for every attempt of a delivery."""
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Lodestone-Signature: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class WebhookRefused(Exception):
    """The receiver answered with something other than 2xx."""

    def __init__(self, status_code: int, text: str):
        super().__init__(f"HTTP {status_code}: {text}".strip())
        self.status_code = status_code


def _post(delivery: WebhookDelivery) -> int:
    """POST the delivery; returns the 2xx status or raises (WebhookRefused, OSError, ...)."""
    endpoint = delivery.endpoint
    body = webhook_body_bytes(delivery.body)
    timestamp = int(time.time())  # the receiver's clock is real whatever the schedule's is
    request = urllib.request.Request(  # noqa: S310 - staff configure http(s) URLs only
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Lodestone-Event": delivery.event,
            "Lodestone-Delivery": str(delivery.event_id),
            "Lodestone-Timestamp": str(timestamp),
            "Lodestone-Signature": webhook_signature(
                secret=endpoint.secret, timestamp=timestamp, body=body
            ),
        },
    )
    try:
        with _opener.open(request, timeout=settings.LODESTONE_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        try:
            text = exc.read(300).decode(errors="replace")
        except (OSError, http.client.HTTPException):
            text = ""
        finally:
            exc.close()
        raise WebhookRefused(exc.code, text) from exc
    if not 200 <= status < 300:
        raise WebhookRefused(status, "")
    return status


def _endpoint_failed(*, endpoint_id: int, now: dt.datetime, error: str) -> bool:
    """Count a failed attempt against the endpoint; disable it at the limit (and tell
    staff, once). Returns whether this failure disabled it."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
        endpoint.consecutive_failures += 1
        limit = settings.LODESTONE_WEBHOOK_DISABLE_AFTER
        if not endpoint.active or endpoint.consecutive_failures < limit:
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(
                consecutive_failures=endpoint.consecutive_failures
            )
            return False
        endpoint.active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = (
            f"{endpoint.consecutive_failures} failed attempts in a row; last: {error}"
        )[:500]
        endpoint.save(
            update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures"]
        )
        _disabled_notice_queue(endpoint=endpoint)
    logger.error("Webhook endpoint %s disabled: %s", endpoint_id, endpoint.disabled_reason)
    return True


def _disabled_notice_queue(*, endpoint: WebhookEndpoint) -> int:
    waiting = endpoint.deliveries.exclude(
        status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.DEAD)
    ).count()
    return staff_notices_queue(
        template="webhook_disabled",
        context={
            "endpoint": endpoint,
            "waiting": waiting,
            "endpoint_url": _site_url(
                reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
            ),
        },
        subject=f"[Lodestone] Webhook endpoint {endpoint.name} disabled after repeated failures",
        # One notice per disabling, however many flushes see it.
        dedupe_key=f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at:%Y%m%d%H%M%S%f}",
        kind=MessageKind.WEBHOOK,
    )


def _send_claimed(delivery: WebhookDelivery, *, now: dt.datetime) -> bool:
    """Deliver a claimed row and record the outcome on it and its endpoint."""
    try:
        status = _post(delivery)
    except (WebhookRefused, OSError, http.client.HTTPException, ValueError) as exc:
        code = exc.status_code if isinstance(exc, WebhookRefused) else None
        error = error_text(exc)
        dead = row_failed(delivery, now=now, error=error, last_status_code=code)
        logger.warning(
            "Webhook delivery %s to endpoint %s %s (attempt %s): %s",
            delivery.pk,
            delivery.endpoint_id,
            "is dead after a day of failures" if dead else "failed",
            delivery.attempts,
            error,
        )
        _endpoint_failed(endpoint_id=delivery.endpoint_id, now=now, error=error)
        return False
    row_done(
        delivery,
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        last_status_code=status,
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )
    return True


@dataclass
class WebhookFlushResult:
    delivered: int = 0
    failed: int = 0


def webhook_deliveries_send_due(
    *, now: dt.datetime | None = None, limit: int = FLUSH_BATCH
) -> WebhookFlushResult:
    """Send the deliveries that are due, oldest due first.

    After a failure the endpoint's other rows wait for the next flush (a receiver that is
    down would make each of them wait for the same timeout), so each flush costs a dead
    receiver one attempt. Stops after `limit` rows or `FLUSH_TIME_BUDGET`. `now` is the
    schedule's clock (tests pass a simulated one).
    """
    now = now or timezone.now()
    result = WebhookFlushResult()
    started = time.monotonic()
    failed_endpoints: set[int] = set()
    while result.delivered + result.failed < limit:
        if time.monotonic() - started > FLUSH_TIME_BUDGET.total_seconds():
            break
        due = selectors.webhook_deliveries_due(now=now).exclude(endpoint_id__in=failed_endpoints)
        delivery = row_claim(due, now=now)
        if delivery is None:
            break
        if _send_claimed(delivery, now=now):
            result.delivered += 1
        else:
            result.failed += 1
            failed_endpoints.add(delivery.endpoint_id)
    return result


def webhook_delivery_send(
    *, delivery: WebhookDelivery, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Send this one delivery if it is due and its endpoint active; otherwise (delivered,
    dead, not yet due, being sent by another worker) it is returned untouched."""
    now = now or timezone.now()
    claimed = row_claim(selectors.webhook_deliveries_due(now=now).filter(pk=delivery.pk), now=now)
    if claimed is not None:
        _send_claimed(claimed, now=now)
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)

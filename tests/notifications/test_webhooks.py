"""Outbound webhooks against a real HTTP receiver on this machine (issue 14).

The receiver is `http.server` in a thread on 127.0.0.1; "down" means nothing listens on its
port. Signatures are checked with the receiver-side code from docs/api.md (`verify` below).
"""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.ports import CaseEvent, case_events
from notifications.choices import DeliveryStatus, MessageKind
from notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from notifications.services import (
    SENDING_LEASE,
    outbox_backoff,
    outbox_flush_due,
    webhook_deliveries_send_due,
    webhook_delivery_retry,
    webhook_delivery_send,
    webhook_endpoint_create,
    webhook_endpoint_enable,
)
from tests.notifications.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _docs_verification_example():
    """The receiver's check exactly as docs/api.md shows it ("Verifying a delivery")."""
    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    section = text[text.index("### Verifying a delivery") :]
    code = section[section.index("```python") + len("```python") : section.index("```\n\n")]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own documentation
    return namespace["lodestone_verified"]


verify = _docs_verification_example()


class Receiver:
    """A real HTTP server that records what it is sent and answers `status`."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/lodestone"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok" if receiver.status < 300 else b"receiver broke")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def delivery_ids(self) -> list[str]:
        return [headers["Lodestone-Delivery"] for headers, _ in self.requests]


@pytest.fixture
def receiver(settings):
    settings.LODESTONE_WEBHOOK_TIMEOUT = 3
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(receiver, staff_user):
    return webhook_endpoint_create(name="ERP", url=receiver.url, events=[], actor=staff_user)


def band_changed(case, old="low", new="high") -> CaseEvent:
    return CaseEvent(
        event="case.band_changed",
        case_id=case.pk,
        data={"old_band": old, "new_band": new, "raw_band": new, "assessment_id": 7},
    )


def record(*events) -> None:
    with transaction.atomic():
        case_events(events=list(events))


def test_a_committed_case_event_is_posted_signed_and_the_signature_verifies(
    receiver, endpoint, committed
):
    case = CaseFactory(reference="SHP-2026-0701")
    with committed():  # the commit's kick runs the sender (eager here)
        record(band_changed(case))

    [(headers, body)] = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert verify(endpoint.secret, headers, body)
    assert not verify("whsec_wrong", headers, body)
    assert not verify(endpoint.secret, headers, body.replace(b"high", b"low!"))
    stale = {
        **headers,
        "Lodestone-Signature": headers["Lodestone-Signature"].replace(
            f"t={headers['Lodestone-Timestamp']}", f"t={int(headers['Lodestone-Timestamp']) - 600}"
        ),
    }
    assert not verify(endpoint.secret, stale, body)
    assert headers["Content-Type"] == "application/json"
    assert headers["Lodestone-Event"] == "case.band_changed"
    assert headers["Lodestone-Delivery"] == str(delivery.event_id)
    assert headers["Lodestone-Signature"].startswith(f"t={headers['Lodestone-Timestamp']},v1=")
    sent = json.loads(body)
    assert sent == {
        "id": str(delivery.event_id),
        "event": "case.band_changed",
        "occurred_at": sent["occurred_at"],
        "case": {
            "id": case.pk,
            "reference": "SHP-2026-0701",
            "url": f"http://127.0.0.1:8000/cases/{case.pk}/",
        },
        "data": {"old_band": "low", "new_band": "high", "raw_band": "high", "assessment_id": 7},
    }
    assert dt.datetime.fromisoformat(sent["occurred_at"]) <= timezone.now()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None


def _change_that_fails(case) -> None:
    with transaction.atomic():
        case_events(events=[band_changed(case)])
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the re-score failed")


def test_a_rolled_back_change_queues_and_sends_nothing(receiver, endpoint, committed):
    case = CaseFactory()
    with committed() as callbacks, pytest.raises(RuntimeError):
        _change_that_fails(case)

    assert callbacks == []
    assert WebhookDelivery.objects.count() == 0
    assert webhook_deliveries_send_due().delivered == 0
    assert receiver.requests == []


def test_each_endpoint_gets_only_the_events_it_subscribes_to(receiver, staff_user, committed):
    everything = webhook_endpoint_create(name="All", url=receiver.url, events=[], actor=staff_user)
    reopened = webhook_endpoint_create(
        name="Reopenings", url=receiver.url + "?r", events=["disposition.reopened"],
        actor=staff_user,
    )  # fmt: skip
    switched_off = webhook_endpoint_create(
        name="Off", url=receiver.url + "?off", events=[], actor=staff_user, active=False
    )
    case = CaseFactory()
    reopening = CaseEvent(
        event="disposition.reopened",
        case_id=case.pk,
        data={"disposition_id": 3, "why": "the entry gained an alias"},
        people=(case.owner_id,),
    )
    with committed():
        record(band_changed(case), reopening)

    assert sorted(everything.deliveries.values_list("event", flat=True)) == [
        "case.band_changed",
        "disposition.reopened",
    ]
    assert list(reopened.deliveries.values_list("event", flat=True)) == ["disposition.reopened"]
    assert not switched_off.deliveries.exists()
    assert len(receiver.requests) == 3
    # The same event has one id, whichever endpoint it goes to.
    assert len(set(receiver.delivery_ids())) == 2


def test_a_receiver_that_is_down_gets_backed_off_retries_until_the_endpoint_is_disabled(
    settings, receiver, endpoint, staff_user, committed, mailoutbox
):
    assert settings.LODESTONE_WEBHOOK_DISABLE_AFTER == 5
    receiver.status = 500
    case = CaseFactory()
    with committed():
        record(band_changed(case))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        1,
        500,
    )
    assert "HTTP 500: receiver broke" in delivery.last_error
    assert delivery.next_attempt_at == delivery.last_attempt_at + outbox_backoff(1)
    assert webhook_deliveries_send_due().failed == 0  # not due yet

    receiver.stop()  # and now nothing listens at all
    for attempt in range(2, 6):
        now = delivery.next_attempt_at
        assert webhook_deliveries_send_due(now=now).failed == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_status_code is None
        assert "Connection refused" in delivery.last_error
        assert delivery.next_attempt_at == now + outbox_backoff(attempt)

    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert endpoint.disabled_at == now
    assert endpoint.disabled_reason.startswith("5 failed attempts in a row; last: URLError")
    assert delivery.status == DeliveryStatus.FAILED  # waiting, not lost

    # Disabled: no more attempts, however long the flushes go on; one notice to staff.
    later = now + dt.timedelta(hours=6)
    assert webhook_deliveries_send_due(now=later).failed == 0
    assert webhook_delivery_send(delivery=delivery, now=later).attempts == 5
    [notice] = OutboxMessage.objects.filter(kind=MessageKind.WEBHOOK)
    assert notice.recipient == staff_user
    assert notice.subject == "[Lodestone] Webhook endpoint ERP disabled after repeated failures"
    assert "1 delivery" in notice.body_text
    outbox_flush_due()
    assert [m.subject for m in mailoutbox] == [notice.subject]

    # Events while it is disabled wait for it too.
    with committed():
        record(band_changed(case, old="high", new="critical"))
    assert endpoint.deliveries.filter(status=DeliveryStatus.PENDING).count() == 1
    assert len(receiver.requests) == 1  # only the first attempt, answered 500

    # Staff fix the receiver and re-enable the endpoint: both go out, once each.
    receiver.status = 200
    receiver.requests.clear()
    receiver.start()
    with committed():
        assert webhook_endpoint_enable(endpoint=endpoint, actor=staff_user) == 2
    assert sorted(receiver.delivery_ids()) == sorted(
        str(i) for i in endpoint.deliveries.values_list("event_id", flat=True)
    )
    assert set(endpoint.deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.consecutive_failures, endpoint.disabled_at) == (
        True,
        0,
        None,
    )
    assert webhook_deliveries_send_due(now=later + dt.timedelta(days=2)).delivered == 0
    assert len(receiver.requests) == 2
    assert OutboxMessage.objects.filter(kind=MessageKind.WEBHOOK).count() == 1


def test_a_success_resets_the_endpoints_failure_count(receiver, endpoint, committed):
    receiver.status = 503
    case = CaseFactory()
    with committed():
        record(band_changed(case))
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1

    receiver.status = 204
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliveries_send_due(now=delivery.next_attempt_at).delivered == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


@pytest.mark.django_db(transaction=True)
def test_two_flushes_at_once_send_each_delivery_exactly_once(receiver, monkeypatch):
    staff = UserFactory(username="stella", is_staff=True)
    endpoint = webhook_endpoint_create(name="ERP", url=receiver.url, events=[], actor=staff)
    monkeypatch.setattr("notifications.services.webhooks.webhooks_kick", lambda: None)
    case = CaseFactory()
    record(*[band_changed(case, new=f"high-{n}") for n in range(6)])
    receiver.delay = 0.2  # each POST takes a while, so the two flushes overlap
    results = []
    start = threading.Barrier(2)

    def flush():
        try:
            start.wait()
            results.append(webhook_deliveries_send_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=flush) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    ids = receiver.delivery_ids()
    assert len(ids) == len(set(ids)) == 6
    assert sum(r.delivered for r in results) == 6
    assert all(r.delivered for r in results)  # both flushes did some of the work
    assert set(endpoint.deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert webhook_deliveries_send_due(now=timezone.now() + dt.timedelta(days=1)).delivered == 0
    assert len(receiver.requests) == 6


def test_an_orphaned_delivery_is_resent_with_the_same_id_after_its_lease_and_never_again(
    receiver, endpoint
):
    case = CaseFactory()
    record(band_changed(case))  # its kick is lost: the test's transaction never commits
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    # A sender claimed it and died (maybe after the receiver got it).
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, next_attempt_at=now + SENDING_LEASE
    )
    assert webhook_deliveries_send_due(now=now).delivered == 0
    assert receiver.requests == []

    after_lease = now + SENDING_LEASE + dt.timedelta(seconds=1)
    assert webhook_deliveries_send_due(now=after_lease).delivered == 1
    assert receiver.delivery_ids() == [str(delivery.event_id)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)

    much_later = after_lease + dt.timedelta(days=3)
    assert webhook_deliveries_send_due(now=much_later).delivered == 0
    webhook_delivery_send(delivery=delivery, now=much_later)
    with pytest.raises(ValidationError):
        webhook_delivery_retry(delivery=delivery, actor=endpoint.created_by)
    assert len(receiver.requests) == 1


def test_a_dead_delivery_retried_by_staff_goes_out_with_its_id_and_body(
    receiver, endpoint, staff_user, committed
):
    case = CaseFactory()
    with committed(execute=False):  # committed, its kick lost
        record(band_changed(case))
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD, attempts=9, next_attempt_at=None, last_error="HTTP 400"
    )
    with committed():
        webhook_delivery_retry(delivery=delivery, actor=staff_user)
    [(headers, body)] = receiver.requests
    assert headers["Lodestone-Delivery"] == str(delivery.event_id)
    assert json.loads(body) == delivery.body
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_an_endpoint_takes_only_known_events_and_http_urls(staff_user):
    with pytest.raises(ValidationError) as unknown:
        webhook_endpoint_create(
            name="X", url="https://erp.example.test/h", events=["case.deleted"], actor=staff_user
        )
    assert "case.deleted" in str(unknown.value)
    with pytest.raises(ValidationError):
        webhook_endpoint_create(
            name="Y", url="ftp://erp.example.test/h", events=[], actor=staff_user
        )
    endpoint = webhook_endpoint_create(
        name="Z",
        url="https://erp.example.test/h",
        events=["disposition.lapsed", "case.band_changed", "case.band_changed"],
        actor=staff_user,
    )
    assert endpoint.events == ["case.band_changed", "disposition.lapsed"]
    assert endpoint.secret.startswith("whsec_")
    assert len(endpoint.secret) > 40
    assert endpoint.created_by == staff_user


def test_staff_configure_endpoints_in_the_admin_and_test_and_re_enable_them(
    receiver, staff_client, staff_user, committed
):
    add = reverse("admin:notifications_webhookendpoint_add")
    assert staff_client.get(add).status_code == 200
    response = staff_client.post(
        add,
        {"name": "ERP", "url": receiver.url, "events": ["case.verdict_changed"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by) == (["case.verdict_changed"], staff_user)
    page = staff_client.get(
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    )
    assert endpoint.secret in page.content.decode()

    changelist = reverse("admin:notifications_webhookendpoint_changelist")
    with committed():
        staff_client.post(
            changelist, {"action": "send_test_event", "_selected_action": [endpoint.pk]}
        )
    [(headers, body)] = receiver.requests
    assert headers["Lodestone-Event"] == "webhook.test"
    assert verify(endpoint.secret, headers, body)
    assert json.loads(body)["case"] is None

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_at=timezone.now(), consecutive_failures=5
    )
    with committed():
        staff_client.post(changelist, {"action": "enable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_at, endpoint.consecutive_failures) == (
        True,
        None,
        0,
    )
    deliveries = reverse("admin:notifications_webhookdelivery_changelist")
    assert staff_client.get(deliveries).status_code == 200


def test_officers_cannot_see_webhook_endpoints(officer_client, officer):
    assert not officer.has_perm("notifications.view_webhookendpoint")
    response = officer_client.get(reverse("admin:notifications_webhookendpoint_changelist"))
    assert response.status_code in (302, 403)


def test_an_event_for_a_case_that_has_no_listener_writes_nothing(committed):
    case = CaseFactory()
    with committed() as callbacks:
        record(band_changed(case))
    assert WebhookDelivery.objects.count() == 0
    assert callbacks == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_delivered_by_the_celery_worker_exactly_once(celery_worker, receiver):
    staff = UserFactory(username="stella", is_staff=True)
    endpoint = webhook_endpoint_create(name="ERP", url=receiver.url, events=[], actor=staff)
    record(band_changed(CaseFactory()))  # commits, then the kick publishes webhook_flush

    deadline = time.monotonic() + 15
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a duplicate would arrive now
    [(headers, body)] = receiver.requests
    assert verify(endpoint.secret, headers, body)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)

"""A hung broker (accepts connections, never answers) does not hold a request (issue 10, 6)."""

import socket
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from assessments.choices import Trigger
from assessments.services import assessment_run
from notifications.choices import MessageKind, MessageStatus
from notifications.models import OutboxMessage
from tests.assessments.factories import case_create, world_create
from tests.conftest import broker_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hung_broker():
    """A TCP server that accepts every connection and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    from config.celery_app import app

    with broker_at(app, f"redis://127.0.0.1:{server.getsockname()[1]}/4"):
        yield
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_case_edit_that_alerts_fourteen_people_answers_within_a_second_and_a_half(
    hung_broker, officer
):
    # Issue 10 point 6: each of the 14 queued e-mails published its own task on commit,
    # each waiting up to 3 s: 30.6 s, then a 500 after the write had committed.
    w = world_create()
    case = case_create(officer, producer=w.northern_plant)
    watchers = [
        get_user_model().objects.create_user(username=f"watcher{i}", email=f"w{i}@example.test")
        for i in range(13)
    ]
    case.watchers.add(*watchers)
    assessment_run(case=case, trigger=Trigger.CREATED)
    api = APIClient()
    api.force_authenticate(officer)

    started = time.monotonic()
    response = api.patch(f"/api/v1/cases/{case.pk}/", {"end_use": "defence"}, format="json")
    took = time.monotonic() - started

    assert response.status_code == 200, response.content
    alerts = OutboxMessage.objects.filter(kind=MessageKind.ALERT, case=case)
    assert alerts.count() == 14  # the band worsened for the owner and 13 watchers
    assert took <= 1.5, f"the request took {took:.2f} s"
    # The rows wait for beat's flush: nothing was lost with the publish.
    assert set(alerts.values_list("status", flat=True)) == {MessageStatus.PENDING}

"""The preferences page (every user, their own) and the outbox page (staff only)."""

import pytest
from django.urls import reverse

from notifications.choices import DeliveryMode, MessageStatus
from notifications.models import NotificationPreference, OutboxMessage
from notifications.services import band_worsened_notify
from tests.notifications.factories import CaseFactory, UserFactory, worsened_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_urls")]


def test_preferences_page_needs_login(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_preferences_page_shows_labelled_defaults_and_saves_own_choice(officer_client, officer):
    response = officer_client.get(reverse("notifications:preferences"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_min_band">Lowest band that sends an alert</label>' in html
    assert "<legend>Send band alerts</legend>" in html
    assert 'value="immediate" id="id_mode_0" required checked' in html
    assert '<option value="medium" selected>' in html

    response = officer_client.post(
        reverse("notifications:preferences"), {"mode": "digest", "min_band": "high"}
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=officer)
    assert (preference.mode, preference.min_band) == (DeliveryMode.DIGEST, "high")


def test_preferences_rejects_unknown_values(officer_client, officer):
    response = officer_client.post(
        reverse("notifications:preferences"), {"mode": "sometimes", "min_band": "high"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.get(user=officer).mode == DeliveryMode.IMMEDIATE


@pytest.fixture
def failed_message(committed):
    case = CaseFactory(reference="SHP-2026-0500", owner=UserFactory(username="olga2"))
    _, assessment = worsened_pair(case=case)
    with committed(execute=False):  # its kick was lost
        [message] = band_worsened_notify(assessment=assessment)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=3, last_error="SMTPServerDisconnected: gone"
    )
    return message


def test_outbox_is_for_staff_only(officer_client, failed_message):
    assert officer_client.get(reverse("notifications:outbox")).status_code == 403
    retry = reverse("notifications:outbox_retry", args=[failed_message.pk])
    assert officer_client.post(retry).status_code == 403


def test_outbox_lists_status_attempts_and_error(staff_client, failed_message):
    response = staff_client.get(reverse("notifications:outbox"), {"status": "failed"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "SHP-2026-0500" in html
    assert "SMTPServerDisconnected: gone" in html
    assert ">Retry</button>" in html
    assert (
        staff_client.get(reverse("notifications:outbox"), {"status": "sent"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_staff_retry_sends_a_failed_message(staff_client, failed_message, mailoutbox, committed):
    with committed():
        response = staff_client.post(
            reverse("notifications:outbox_retry", args=[failed_message.pk])
        )

    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert (failed_message.status, failed_message.attempts) == (MessageStatus.SENT, 4)
    assert len(mailoutbox) == 1


def test_retrying_a_sent_message_is_refused(staff_client, failed_message, mailoutbox):
    OutboxMessage.objects.filter(pk=failed_message.pk).update(status=MessageStatus.PENDING)

    response = staff_client.post(
        reverse("notifications:outbox_retry", args=[failed_message.pk]), follow=True
    )

    assert "Only failed or dead messages can be retried" in response.content.decode()
    assert mailoutbox == []


def test_admin_shows_outbox_read_only(admin_client, failed_message):
    changelist = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert changelist.status_code == 200
    assert "SHP-2026-0500" in changelist.content.decode()
    change = admin_client.get(
        reverse("admin:notifications_outboxmessage_change", args=[failed_message.pk])
    )
    assert change.status_code == 200
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    preferences = admin_client.get(reverse("admin:notifications_notificationpreference_changelist"))
    assert preferences.status_code == 200

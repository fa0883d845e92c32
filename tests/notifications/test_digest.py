"""Daily digests: band changes on a user's cases that did not reach them as an alert."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import Assessment
from notifications.choices import DeliveryMode, MessageKind, MessageStatus
from notifications.models import DigestItem, OutboxMessage
from notifications.services import band_worsened_notify, digest_build_and_queue, preference_update
from notifications.tasks import digest_send
from tests.notifications.factories import AssessmentFactory, CaseFactory, UserFactory, worsened_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_digest(committed):
    def run() -> int:
        with committed():
            return digest_send()

    return run


@pytest.mark.smtp
def test_digest_mode_user_gets_a_digest_item_then_a_digest_email(
    smtp_server, run_digest, committed
):
    dora = UserFactory(username="dora")
    preference_update(user=dora, mode=DeliveryMode.DIGEST, min_band="medium")
    case = CaseFactory(reference="SHP-2026-0777", owner=dora)
    _, assessment = worsened_pair(case=case, new_band="critical")

    with committed():
        assert band_worsened_notify(assessment=assessment) == []
    assert smtp_server.messages == []
    item = DigestItem.objects.get(user=dora)

    assert run_digest() == 1

    [received] = smtp_server.messages
    assert received["To"] == dora.email
    assert "Daily digest: 1 band change" in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for body in (text, html):
        assert "SHP-2026-0777" in body
        assert "Low" in body
        assert "Critical" in body
        assert "Producer eligibility" in body
    item.refresh_from_db()
    digest = OutboxMessage.objects.get(kind=MessageKind.DIGEST)
    assert item.sent_in == digest
    assert digest.status == MessageStatus.SENT

    assert run_digest() == 0  # nothing new: nothing queued or sent twice
    assert len(smtp_server.messages) == 1


def test_immediate_user_digest_has_changes_that_were_not_alerted(mailoutbox, run_digest, committed):
    olga = UserFactory(username="olga")
    case = CaseFactory(reference="SHP-2026-0100", owner=olga)
    calm, worse = worsened_pair(case=case, new_band="high")
    with committed():
        band_worsened_notify(assessment=worse)
    better = AssessmentFactory(case=case, band="medium", previous=worse)  # improved: no alert
    other = CaseFactory(reference="SHP-2026-0101", owner=olga)
    _, slight = worsened_pair(case=other, new_band="medium")
    preference_update(user=olga, mode=DeliveryMode.IMMEDIATE, min_band="high")
    with committed():
        assert band_worsened_notify(assessment=slight) == []  # below her min_band
    assert len(mailoutbox) == 1

    assert run_digest() == 1

    digest = mailoutbox[-1]
    assert "2 band changes" in digest.subject
    assert "SHP-2026-0100: High -> Medium (improved" in digest.body
    assert "SHP-2026-0101: Low -> Medium (worsened" in digest.body
    assert "Low -> High" not in digest.body  # already alerted
    assert set(DigestItem.objects.values_list("assessment", flat=True)) == {better.pk, slight.pk}
    assert calm.pk not in DigestItem.objects.values_list("assessment", flat=True)


def test_digest_covers_only_changes_since_the_last_digest(mailoutbox, committed):
    dora = UserFactory(username="dora")
    preference_update(user=dora, mode=DeliveryMode.DIGEST, min_band="medium")
    case = CaseFactory(owner=dora)
    _, old_change = worsened_pair(case=case)
    now = timezone.now()
    Assessment.objects.filter(pk=old_change.pk).update(created_at=now - dt.timedelta(days=3))

    with committed():
        assert digest_build_and_queue(now=now) == []  # first digest looks back one day only

    newer = AssessmentFactory(case=case, band="medium", previous=old_change)
    with committed():
        [message] = digest_build_and_queue(now=now + dt.timedelta(days=1))

    assert list(message.digest_items.values_list("assessment", flat=True)) == [newer.pk]
    assert len(mailoutbox) == 1


def test_off_user_and_unchanged_bands_get_no_digest(mailoutbox, run_digest):
    quiet = UserFactory(username="quiet")
    preference_update(user=quiet, mode=DeliveryMode.OFF, min_band="low")
    worsened_pair(case=CaseFactory(owner=quiet))
    steady = CaseFactory(owner=UserFactory(username="steady"))
    AssessmentFactory(
        case=steady, band="high", previous=AssessmentFactory(case=steady, band="high")
    )

    assert run_digest() == 0
    assert mailoutbox == []
    assert not DigestItem.objects.exists()


def test_watchers_get_their_own_digest(mailoutbox, run_digest):
    owner, watcher = UserFactory(username="own"), UserFactory(username="watch")
    for person in (owner, watcher):
        preference_update(user=person, mode=DeliveryMode.DIGEST, min_band="medium")
    case = CaseFactory(owner=owner, watchers=[watcher])
    worsened_pair(case=case)

    assert run_digest() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [owner.email, watcher.email]

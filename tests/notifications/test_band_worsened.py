"""band_worsened_notify, from assessment to the e-mail a real SMTP server receives."""

import pytest

from notifications.choices import DeliveryMode, MessageKind, MessageStatus
from notifications.models import DigestItem, OutboxMessage
from notifications.services import band_worsened_notify, factor_changes, preference_update
from tests.notifications.factories import (
    AssessmentFactory,
    CaseFactory,
    ReferenceChangeFactory,
    UserFactory,
    worsened_pair,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="olga")


@pytest.fixture
def watcher():
    return UserFactory(username="walter")


@pytest.fixture
def case(owner, watcher):
    return CaseFactory(reference="SHP-2026-0042", owner=owner, watchers=[watcher])


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.get_content_maintype() == "text"
    }


@pytest.mark.smtp
def test_worsened_band_mails_owner_and_watcher_once_each_with_text_and_html(
    smtp_server, case, owner, watcher, committed
):
    change = ReferenceChangeFactory()
    _, assessment = worsened_pair(case=case, new_band="high", reference_change=change)

    with committed():
        queued = band_worsened_notify(assessment=assessment)

    assert {m.to_address for m in queued} == {owner.email, watcher.email}
    assert len(smtp_server.messages) == 2
    for person in (owner, watcher):
        [received] = smtp_server.handler.to(person.email)
        assert "SHP-2026-0042" in received["Subject"]
        assert "from Low to High" in received["Subject"]
        bodies = parts(received)
        assert set(bodies) == {"text/plain", "text/html"}
        for body in bodies.values():
            assert "SHP-2026-0042" in body
            assert "Low" in body
            assert "High" in body
            assert "Producer eligibility" in body
            assert "Ganzhou Rare Metals is suspended on the approved list" in body
            assert change.summary in body
            assert f"http://testserver.example/cases/{case.pk}/" in body
            # Unchanged factors are not repeated.
            assert "Quota headroom" not in body
        assert "none -> high" in bodies["text/plain"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert all(m.attempts == 1 for m in OutboxMessage.objects.all())


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example/"


@pytest.mark.parametrize(("old", "new"), [("high", "medium"), ("high", "high"), ("low", "low")])
def test_improved_or_unchanged_band_queues_nothing(case, old, new, mailoutbox):
    before = AssessmentFactory(case=case, band=old)
    after = AssessmentFactory(case=case, band=new, previous=before)

    assert band_worsened_notify(assessment=after) == []
    assert not OutboxMessage.objects.exists()
    assert not DigestItem.objects.exists()
    assert mailoutbox == []


def test_first_assessment_without_previous_queues_nothing(case):
    assert band_worsened_notify(assessment=AssessmentFactory(case=case, band="critical")) == []
    assert not OutboxMessage.objects.exists()


def test_preference_off_queues_nothing(case, owner, watcher, mailoutbox, committed):
    for person in (owner, watcher):
        preference_update(user=person, mode=DeliveryMode.OFF, min_band="low")
    _, assessment = worsened_pair(case=case)

    with committed():
        assert band_worsened_notify(assessment=assessment) == []

    assert not OutboxMessage.objects.exists()
    assert not DigestItem.objects.exists()
    assert mailoutbox == []


def test_band_below_min_band_sends_no_alert(case, owner, watcher, mailoutbox, committed):
    preference_update(user=owner, mode=DeliveryMode.IMMEDIATE, min_band="critical")
    _, assessment = worsened_pair(case=case, new_band="high")

    with committed():
        queued = band_worsened_notify(assessment=assessment)

    assert [m.recipient for m in queued] == [watcher]
    assert [m.to for m in mailoutbox] == [[watcher.email]]


def test_digest_mode_records_a_digest_item_instead_of_mail(
    case, owner, watcher, mailoutbox, committed
):
    preference_update(user=watcher, mode=DeliveryMode.DIGEST, min_band="medium")
    _, assessment = worsened_pair(case=case)

    with committed():
        queued = band_worsened_notify(assessment=assessment)

    assert [m.recipient for m in queued] == [owner]
    assert [m.to for m in mailoutbox] == [[owner.email]]
    item = DigestItem.objects.get()
    assert (item.user, item.assessment, item.sent_in) == (watcher, assessment, None)


@pytest.mark.smtp
def test_notifying_twice_queues_and_sends_each_alert_once(
    smtp_server, case, owner, watcher, committed
):
    _, assessment = worsened_pair(case=case)

    with committed() as first:
        first_run = band_worsened_notify(assessment=assessment)
    with committed() as second:
        second_run = band_worsened_notify(assessment=assessment)

    assert len(first) == 1  # one kick for the transaction, not one publish per recipient
    assert len(second) == 0  # nothing queued again, so no kick
    assert {m.pk for m in first_run} == {m.pk for m in second_run}
    assert OutboxMessage.objects.filter(kind=MessageKind.ALERT).count() == 2
    assert len(smtp_server.handler.to(owner.email)) == 1
    assert len(smtp_server.handler.to(watcher.email)) == 1


def test_owner_who_also_watches_gets_one_alert(owner, mailoutbox, committed):
    case = CaseFactory(owner=owner, watchers=[owner])
    _, assessment = worsened_pair(case=case)

    with committed():
        band_worsened_notify(assessment=assessment)

    assert len(mailoutbox) == 1


def test_user_without_address_is_skipped(case, owner, watcher, mailoutbox, committed):
    watcher.email = ""
    watcher.save()
    _, assessment = worsened_pair(case=case)

    with committed():
        queued = band_worsened_notify(assessment=assessment)

    assert [m.recipient for m in queued] == [owner]


def test_factor_changes_lists_only_changed_factors_worst_first():
    old = [
        {"factor": "licence", "severity": "low", "reason": "ok"},
        {"factor": "documents", "severity": "none", "reason": "ok"},
        {"factor": "end_use", "severity": "medium", "reason": "review"},
    ]
    new = [
        {"factor": "licence", "severity": "medium", "reason": "decision due late"},
        {"factor": "documents", "severity": "none", "reason": "ok"},
        {"factor": "end_use", "severity": "critical", "reason": "military end use"},
    ]

    changes = factor_changes(old, new)

    assert [(c.factor, c.old_severity, c.new_severity) for c in changes] == [
        ("end_use", "medium", "critical"),
        ("licence", "low", "medium"),
    ]
    assert changes[0].reason == "military end use"
    assert all(c.worsened for c in changes)

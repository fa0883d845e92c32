"""Officers comment on a case (an @mention e-mails the person named) and give a case to
another officer (who is e-mailed); both land on the timeline, attributable and dated
(issue 14). The mail goes through the outbox to a real SMTP server."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.models import OutboxMessage
from shipments.models import TimelineEvent
from shipments.services.comments import case_assign, case_comment_add, mentioned
from tests.notifications.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer):
    return CaseFactory(reference="SHP-2026-0777", owner=officer)


def test_mentions_are_read_once_each_and_not_from_e_mail_addresses():
    body = "@oscar please check; cc @stella and @oscar. Mail olga@example.test, not @."
    assert mentioned(body) == ["oscar", "stella"]


@pytest.mark.smtp
def test_a_mention_mails_the_person_named_once_and_not_the_author(
    smtp_server, case, officer, second_officer, committed
):
    with committed():
        event = case_comment_add(
            case=case, actor=officer, body="@oscar is the UEL hit a branch? @olga to follow up"
        )
    assert (event.kind, event.actor, event.data["mentions"]) == (
        "note",
        officer,
        [second_officer.pk, officer.pk],
    )
    [received] = smtp_server.messages  # the author mentioned themself: no mail to them
    assert received["To"] == second_officer.email
    assert received["Subject"] == "[Lodestone] Olga mentioned you on case SHP-2026-0777"
    body = received.get_body(preferencelist=("plain",)).get_content()
    assert "is the UEL hit a branch?" in body
    assert f"/cases/{case.pk}/" in body
    assert OutboxMessage.objects.get().kind == "mention"


def test_an_unknown_or_blind_mention_is_refused_and_nothing_is_written(case, officer, no_role_user):
    with pytest.raises(ValidationError) as unknown:
        case_comment_add(case=case, actor=officer, body="@ghost look")
    assert unknown.value.message_dict == {"body": ["No one here is called @ghost."]}
    with pytest.raises(ValidationError) as blind:
        case_comment_add(case=case, actor=officer, body=f"@{no_role_user.username} look")
    assert blind.value.message_dict["body"] == [f"@{no_role_user.username} cannot see cases."]
    assert not TimelineEvent.objects.filter(kind="note").exists()
    assert not OutboxMessage.objects.exists()


def test_a_viewer_cannot_comment_or_assign(client, case, viewer, second_officer):
    with pytest.raises(PermissionDenied):
        case_comment_add(case=case, actor=viewer, body="hello")
    client.force_login(viewer)
    assert (
        client.post(reverse("shipments:case_comment", args=[case.pk]), {"body": "hi"}).status_code
        == 403
    )
    assign = client.post(
        reverse("shipments:case_assign", args=[case.pk]), {"owner": second_officer.pk}
    )
    assert assign.status_code == 403
    case.refresh_from_db()
    assert case.owner != second_officer


@pytest.mark.smtp
def test_giving_a_case_changes_its_owner_on_the_timeline_and_mails_the_new_owner(
    smtp_server, client, case, officer, second_officer, viewer, committed
):
    client.force_login(officer)
    url = reverse("shipments:case_assign", args=[case.pk])
    refused = client.post(url, {"owner": viewer.pk})  # a viewer cannot own cases
    assert refused.status_code == 400
    assert "owner" in refused.context["assign_form"].errors
    with committed():
        done = client.post(url, {"owner": second_officer.pk})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.owner == second_officer
    event = case.timeline.get(kind="field_changed", data__field="owner")
    assert (event.actor, event.data["old"], event.data["new"]) == (officer, "olga", "oscar")
    [received] = smtp_server.handler.to(second_officer.email)
    assert received["Subject"] == "[Lodestone] Olga gave you case SHP-2026-0777"
    with pytest.raises(ValidationError) as again:
        case_assign(case=case, actor=officer, owner=second_officer)
    assert again.value.message_dict == {"owner": ["oscar already owns this case."]}


def test_the_case_page_shows_the_comment_and_the_forms(client, case, officer, second_officer):
    case_comment_add(case=case, actor=officer, body="Checked the registry extract.\n@oscar fyi")
    client.force_login(officer)
    page = client.get(reverse("shipments:case_detail", args=[case.pk]))
    assert "Checked the registry extract.<br>@oscar fyi" in page.text
    assert "Add comment" in page.text
    assert "Give to another officer" in page.text
    bad = client.post(reverse("shipments:case_comment", args=[case.pk]), {"body": "@ghost hi"})
    assert bad.status_code == 400
    assert "No one here is called @ghost." in bad.text

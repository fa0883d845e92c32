"""Dispositions in the browser's pages and over the API (issue 14): the same rules both
ways: officers record, another officer approves (never the author), a viewer does neither."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Disposition
from shipments.models import Case
from tests.assessments.conftest import FUZZY

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_acceptance(flagged, officer):
    return Disposition.objects.create(
        case=flagged,
        kind="risk_accepted",
        factor="end_use",
        accepted_severity="high",
        author=officer,
        reason="r",
        expires_on=timezone.localdate() + dt.timedelta(days=10),
    )


def _until(days=90) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _login(client, user):
    client.force_login(user)
    return client


def test_an_officer_records_a_false_positive_on_the_hit_the_form_offers(
    client, world, flagged, officer
):
    _login(client, officer)
    url = reverse("assessments:disposition_new", args=[flagged.pk])
    page = client.get(url)
    assert page.status_code == 200
    subject = f"hit:{world.lockheed.pk}:end_user"
    assert f'value="{subject}"' in page.text
    assert "Lockheed Martin Corporation" in page.text
    response = client.post(
        url,
        {
            "subject": subject,
            "kind": "false_positive",
            "reason": "A different firm: registry extract on file",
            "expires_on": _until(),
        },
    )
    assert response.status_code == 302
    d = Disposition.objects.get(case=flagged)
    assert (d.status, d.author, d.watch_entry, d.party_role) == (
        "pending",
        officer,
        world.lockheed,
        "end_user",
    )
    case_page = client.get(reverse("shipments:case_detail", args=[flagged.pk]))
    assert "Pending approval" in case_page.text
    assert f"Approve #{d.pk}" not in case_page.text  # the author is not offered approval
    assert "Awaiting another officer." in case_page.text


def test_the_form_names_the_field_that_is_wrong_and_records_nothing(
    client, world, flagged, officer
):
    _login(client, officer)
    url = reverse("assessments:disposition_new", args=[flagged.pk])
    response = client.post(
        url,
        {
            "subject": f"hit:{world.lockheed.pk}:end_user",
            "kind": "risk_accepted",
            "reason": "x",
            "expires_on": _until(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["kind"] == [
        "A screening hit is a false positive or a confirmed match."
    ]
    response = client.post(
        url,
        {
            "subject": f"hit:{world.lockheed.pk}:end_user",
            "kind": "false_positive",
            "reason": "x",
            "expires_on": _until(400),
        },
    )
    assert response.status_code == 400
    assert "at most 365 days" in response.context["form"].errors["expires_on"][0]
    assert not Disposition.objects.exists()


def test_a_second_officer_approves_from_the_queue_and_the_band_drops(
    client, world, flagged, officer, second_officer
):
    raw = flagged.band
    assert raw in ("high", "critical")
    _login(client, officer)
    client.post(
        reverse("assessments:disposition_new", args=[flagged.pk]),
        {
            "subject": f"hit:{world.lockheed.pk}:end_user",
            "kind": "false_positive",
            "reason": "A different firm",
            "expires_on": _until(),
        },
    )
    d = Disposition.objects.get(case=flagged)
    decide = reverse("assessments:disposition_decide", args=[d.pk])
    # The author's own approval is refused with the reason, and nothing changes.
    refused = client.post(decide, {"action": "approve"}, follow=True)
    assert "The author of a disposition cannot decide it." in refused.text
    assert Disposition.objects.get(pk=d.pk).status == "pending"
    queue = client.get(reverse("assessments:approvals"))
    assert f"#{d.pk}" in queue.text
    assert 'Mine, awaiting another officer <small class="muted">(1)</small>' in queue.text

    client.logout()
    _login(client, second_officer)
    queue = client.get(reverse("assessments:approvals"))
    assert f"Approve #{d.pk}" in queue.text
    assert '<span class="count">1</span>' in queue.text  # the nav's count
    done = client.post(
        decide, {"action": "approve", "next": reverse("assessments:approvals")}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("assessments:approvals")
    assert f"Disposition #{d.pk} approved" in done.text
    case = Case.objects.get(pk=flagged.pk)
    assert case.band not in ("high", "critical")
    assert case.raw_band == raw
    page = client.get(reverse("shipments:case_detail", args=[flagged.pk]))
    assert "as decided;" in page.text
    assert f"Disposition #{d.pk}" in page.text


def test_a_reject_or_revoke_without_a_reason_is_refused(
    client, flagged, second_officer, pending_acceptance
):
    d = pending_acceptance
    _login(client, second_officer)
    decide = reverse("assessments:disposition_decide", args=[d.pk])
    page = client.post(decide, {"action": "reject", "reason": " "}, follow=True)
    assert "Say why it is rejected." in page.text
    assert Disposition.objects.get(pk=d.pk).status == "pending"
    client.post(decide, {"action": "reject", "reason": "No audit on file"})
    d.refresh_from_db()
    assert (d.status, d.approver, d.status_reason) == (
        "rejected",
        second_officer,
        "No audit on file",
    )


def test_a_viewer_can_read_but_neither_record_nor_decide(
    client, flagged, viewer, pending_acceptance
):
    d = pending_acceptance
    _login(client, viewer)
    assert client.get(reverse("assessments:disposition_new", args=[flagged.pk])).status_code == 403
    decide = reverse("assessments:disposition_decide", args=[d.pk])
    assert client.post(decide, {"action": "approve"}).status_code == 403
    assert client.post(decide, {"action": "revoke", "reason": "no"}).status_code == 403
    assert Disposition.objects.get(pk=d.pk).status == "pending"
    page = client.get(reverse("shipments:case_detail", args=[flagged.pk]))
    assert "Record a disposition" not in page.text
    assert "Pending approval" in page.text


# --- the API: the same rules ----------------------------------------------------------------


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _create_body(world, case) -> dict:
    return {
        "case": case.pk,
        "kind": "false_positive",
        "reason": "A different firm",
        "expires_on": _until(),
        "watch_entry": world.lockheed.pk,
        "party_role": "end_user",
    }


def test_the_api_records_and_a_second_officer_approves(world, flagged, officer, second_officer):
    raw = flagged.band
    created = _api(officer).post(
        "/api/v1/dispositions/", _create_body(world, flagged), format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["author"], body["party_name"]) == (
        "pending",
        officer.username,
        FUZZY,
    )
    approve = f"/api/v1/dispositions/{body['id']}/approve/"
    refused = _api(officer).post(approve, {}, format="json")
    assert refused.status_code == 400
    assert "approver" in refused.json()["errors"]
    approved = _api(second_officer).post(approve, {}, format="json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approver"]) == (
        "approved",
        second_officer.username,
    )
    case = _api(second_officer).get(f"/api/v1/cases/{flagged.pk}/").json()
    assert case["raw_band"] == raw
    assert case["band"] != raw
    listed = _api(officer).get(f"/api/v1/dispositions/?case={flagged.pk}&status=approved").json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]


def test_the_api_names_the_field_and_refuses_a_viewer(world, flagged, officer, viewer):
    assert (
        _api(viewer).post("/api/v1/dispositions/", _create_body(world, flagged), format="json")
    ).status_code == 403
    wrong = _api(officer).post(
        "/api/v1/dispositions/",
        {**_create_body(world, flagged), "party_role": "consignee"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "party_role" in wrong.json()["errors"]
    assert not Disposition.objects.exists()
    created = _api(officer).post(
        "/api/v1/dispositions/", _create_body(world, flagged), format="json"
    )
    revoke = f"/api/v1/dispositions/{created.json()['id']}/revoke/"
    no_reason = _api(officer).post(revoke, {}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    assert _api(viewer).post(revoke, {"reason": "no"}, format="json").status_code == 403
    revoked = _api(officer).post(revoke, {"reason": "Wrong case"}, format="json")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"

"""The register fits the screen: columns chosen and remembered, the full reason behind its
summary, and saved views per officer (issue 15)."""

import pytest
from django.urls import reverse

from assessments.choices import Trigger
from assessments.services import assessment_run
from shipments.models import SavedView
from shipments.register import DEFAULT, OPTIONAL
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db
URL = "/cases/"


def _headers(response) -> list[str]:
    body = response.content.decode()
    head = body[body.index("<thead>") : body.index("</thead>")]
    labels = {c.label: c.key for c in OPTIONAL}
    return [key for label, key in labels.items() if f">{label}</th>" in head]


@pytest.fixture
def case(world, officer):
    case = case_create(officer, elements=("Dy",), form="oxide")
    assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    case.refresh_from_db()
    return case


def test_the_default_columns_then_a_choice_that_is_remembered(case, officer_client):
    first = officer_client.get(URL, {"status": "open"})
    assert _headers(first) == list(DEFAULT)
    chosen = officer_client.get(URL, {"status": "open", "cols_set": "1", "cols": ["hs", "owner"]})
    assert _headers(chosen) == ["hs", "owner"]
    assert case.hs_code in chosen.content.decode()
    # Next time, with no `cols` in the address, the register opens with the same choice.
    later = officer_client.get(URL, {"status": "open"})
    assert _headers(later) == ["hs", "owner"]


def test_unticking_every_optional_column_leaves_band_reference_and_verdict(case, officer_client):
    response = officer_client.get(URL, {"status": "open", "cols_set": "1", "cols": ["bogus"]})
    assert _headers(response) == []
    body = response.content.decode()
    assert ">Band</th>" in body
    assert ">Reference</th>" in body
    assert case.reference in body


def test_the_full_reason_is_behind_the_summary(case, officer_client):
    top = case.latest_assessment.factors[0]
    body = officer_client.get(URL, {"q": case.reference}).content.decode()
    assert '<details class="reason-more">' in body
    assert case.verdict_text in body  # whole, not cut at 90 characters
    assert top["reason"].replace("'", "&#x27;") in body


def test_an_officer_saves_a_view_and_the_same_name_replaces_it(case, officer_client, officer):
    save = reverse("shipments:saved_view_save")
    response = officer_client.post(save, {"name": "My Dy", "query": "q=Dy&status=open&page=3"})
    assert response.status_code == 302
    view = SavedView.objects.get(user=officer)
    assert (view.name, view.query) == ("My Dy", "q=Dy&status=open")  # no page number
    assert response["Location"] == f"{URL}?q=Dy&status=open"
    page = officer_client.get(URL, {"status": "open"}).content.decode()
    assert 'href="/cases/?q=Dy&amp;status=open">My Dy</a>' in page
    officer_client.post(save, {"name": "My Dy", "query": "q=Tb"})
    assert list(SavedView.objects.values_list("name", "query")) == [("My Dy", "q=Tb")]


def test_a_view_needs_a_name_and_nothing_is_saved_without_one(officer_client, world):
    response = officer_client.post(
        reverse("shipments:saved_view_save"), {"name": "  ", "query": "q=x"}, follow=True
    )
    assert "View not saved: Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_views_are_personal(officer, second_officer, client):
    mine = SavedView.objects.create(user=officer, name="Mine", query="q=Nd")
    client.force_login(second_officer)
    assert "Mine" not in client.get(URL, {"status": "open"}).content.decode()
    delete = reverse("shipments:saved_view_delete", args=[mine.pk])
    assert client.post(delete).status_code == 404
    assert SavedView.objects.filter(pk=mine.pk).exists()
    client.force_login(officer)
    assert client.post(delete).status_code == 302
    assert not SavedView.objects.filter(pk=mine.pk).exists()


def test_a_user_without_the_register_cannot_save_a_view(client, no_role_user):
    client.force_login(no_role_user)
    response = client.post(reverse("shipments:saved_view_save"), {"name": "x", "query": ""})
    assert response.status_code == 403
    assert not SavedView.objects.exists()

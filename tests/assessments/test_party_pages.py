"""Party lists as an officer reads them (issue 15): browse and search the lists, the open
cases an entry touches, and an ad hoc screen that is the method's own."""

import pytest
from django.urls import reverse

from assessments.choices import Trigger
from assessments.party_pages import screen_name
from assessments.selectors.reference import method_settings
from assessments.selectors.watch import watch_index
from assessments.services import assessment_run
from method.inputs import PartyFacts
from method.screening import screen_party
from registry.models import WatchListEntry, WatchNotice
from tests.assessments.conftest import FUZZY
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

LISTS = reverse("assessments:party_lists")
SCREEN = reverse("assessments:party_screen")


def _names(response) -> list[str]:
    return [r["entry"].name for r in response.context["rows"]]


def test_search_finds_entries_by_name_alias_and_identifier(world, officer_client):
    WatchListEntry.objects.filter(pk=world.skydio.pk).update(
        identifiers={"lei": "5493001KJTIIGC8Y1R12"}
    )
    assert _names(officer_client.get(LISTS, {"q": "skydio"})) == ["Skydio Inc."]
    by_alias = officer_client.get(LISTS, {"q": "Lockheed Martin"})
    assert _names(by_alias) == ["Lockheed Martin Corporation"]
    assert _names(officer_client.get(LISTS, {"q": "martin"})) == ["Lockheed Martin Corporation"]
    assert _names(officer_client.get(LISTS, {"q": "KJTIIGC8Y1R12"})) == ["Skydio Inc."]
    assert _names(officer_client.get(LISTS, {"q": "nobody at all"})) == []
    every = officer_client.get(LISTS)
    assert set(_names(every)) == {
        "Lockheed Martin Corporation",
        "Skydio Inc.",
        "Removed Party GmbH",
    }


def test_the_lists_show_their_notices_and_a_lapsed_suspension(world, officer_client):
    notice = WatchNotice.objects.create(
        key="uel-2025-1",
        watch_list=world.uel,
        number="UEL Notice 2025 No. 1",
        date="2025-04-04",
        status="suspended",
        suspended_until="2026-11-10",
    )
    WatchListEntry.objects.filter(pk=world.skydio.pk).update(notice=notice)
    page = officer_client.get(LISTS).content.decode()
    assert "UEL Notice 2025 No. 1, 2025-04-04: suspended until 2026-11-10" in page
    assert "⚠ lapsed - verify" in page
    row = next(r for r in officer_client.get(LISTS).context["rows"] if r["entry"] == world.skydio)
    assert row["lapsed"] is True
    assert "suspension lapsed 2026-11-10 - verify" in page


def test_an_entry_counts_and_lists_the_open_cases_it_touches(world, officer, flagged, client):
    clean = case_create(officer, producer=world.northern_plant, end_user="Nobody Alike GmbH")
    assessment_run(case=clean, trigger=Trigger.CREATED, actor=officer)
    closed = case_create(officer, producer=world.northern_plant, end_user=FUZZY, status="closed")
    assessment_run(case=closed, trigger=Trigger.CREATED, actor=officer)
    client.force_login(officer)
    rows = {r["entry"].pk: r["cases"] for r in client.get(LISTS).context["rows"]}
    assert rows[world.lockheed.pk] == 1  # the open flagged case; not the closed one
    assert rows[world.skydio.pk] == 0
    page = client.get(reverse("assessments:party_entry", args=[world.lockheed.pk]))
    cases = [r["case"].reference for r in page.context["rows"]]
    assert cases == [flagged.reference]
    body = page.content.decode()
    assert f"End user '{FUZZY}'" in body
    assert "by name similarity" in body  # the match route


def test_the_ad_hoc_screen_is_the_methods_own(world, officer_client):
    entries = watch_index(refresh=True).entries
    for party in (
        PartyFacts(role="buyer", name="Lockheed Martin Corporation"),
        PartyFacts(role="buyer", name=FUZZY, country="US"),
        PartyFacts(role="buyer", name="Skydio", country="DE"),
    ):
        ours = [
            (r["match"].entry_id, r["match"].score, r["match"].strength) for r in screen_name(party)
        ]
        method = [
            (m.entry_id, m.score, m.strength)
            for m in screen_party(party, entries, method_settings())
        ]
        assert ours == method, party.name


def test_the_screen_page_shows_the_strength_and_the_route(world, officer_client):
    exact = officer_client.get(SCREEN, {"name": "Lockheed Martin"})
    body = exact.content.decode()
    assert "1 match for" in body
    assert "<strong>strong</strong>" in body
    assert "by exact name" in body  # "Lockheed Martin" is the name less its suffix
    none = officer_client.get(SCREEN, {"name": "Bavarian Bakery Supplies"}).content.decode()
    assert "No entry on any list matches this name" in none


def test_a_bad_screen_names_the_field(world, officer_client):
    body = officer_client.get(SCREEN, {"name": "Acme", "country": "Germany"}).content.decode()
    assert "Country (ISO alpha-2):" in body
    assert officer_client.get(SCREEN, {"name": "  "}).context["results"] is None


@pytest.mark.parametrize("url", [LISTS, SCREEN, "/assessments/reference/party-lists/1/"])
def test_the_pages_need_login_and_the_permission(url, client, no_role_user):
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403

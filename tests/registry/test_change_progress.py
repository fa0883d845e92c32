"""Progress a person can watch (issue 16): the change page's bar polls itself while the
re-score runs and stops once done; the API shows the same figures."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import ReferenceChange
from tests.api.conftest import token_client
from tests.assessments.factories import change_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    change = change_create(summary="watched")
    start = timezone.now() - dt.timedelta(seconds=10)
    ReferenceChange.objects.filter(pk=change.pk).update(
        status="running",
        affected_count=1000,
        done_count=250,
        band_changed_count=7,
        started_at=start,
        heartbeat_at=start + dt.timedelta(seconds=5),
    )
    change.refresh_from_db()
    return change


def test_the_progress_figures(running):
    p = running.progress
    assert (p["done"], p["affected"], p["percent"], p["band_changed"]) == (250, 1000, 25, 7)
    assert p["cases_per_second"] == 50.0  # 250 cases in the 5 s to the last heartbeat
    assert p["seconds_left"] == 15  # 750 more at 50/s
    assert p["live"] is True


def test_the_page_polls_while_running_and_stops_when_done(running, staff_client):
    page = staff_client.get(reverse("registry:change_detail", args=[running.pk])).content.decode()
    poll = reverse("registry:change_progress", args=[running.pk])
    assert f'hx-get="{poll}"' in page
    assert '<progress max="100" value="25"' in page
    assert "250</strong> of 1000 cases re-scored (25%)" in page
    assert "about 15 s left" in page
    ReferenceChange.objects.filter(pk=running.pk).update(
        status="done", done_count=1000, finished_at=timezone.now()
    )
    partial = staff_client.get(poll).content.decode()
    assert "hx-get" not in partial  # done: no more polling
    assert "1000</strong> of 1000 cases re-scored (100%)" in partial


def test_the_progress_needs_the_permission(running, client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("registry:change_progress", args=[running.pk])).status_code == 403


def test_the_api_shows_the_same_progress(running, staff_user):
    body = token_client(staff_user).get(f"/api/v1/reference-changes/{running.pk}/").json()
    assert body["progress"]["percent"] == 25
    assert body["progress"]["seconds_left"] == 15
    assert body["progress"]["live"] is True

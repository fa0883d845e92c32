import datetime as dt

import pytest
from django.urls import reverse

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.services import assessment_run
from shipments.models import Case
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2026, 2, 1))
    Case.objects.filter(pk=case.pk).update(licence_status="denied")
    assessment_run(case=case, trigger=Trigger.EDITED, actor=officer, today=dt.date(2026, 2, 1))
    return Case.objects.get(pk=case.pk)


def test_case_page_panel_shows_band_first_then_factors_with_evidence_links(assessed, viewer_client):
    html = viewer_client.get(reverse("shipments:case_detail", args=[assessed.pk])).content.decode()
    panel = html[html.index('id="case-assessment-') :]
    assert panel.index('<span class="band band-critical">Critical</span>') < panel.index("sev-")
    assert 'class="sev sev-critical"' in panel
    assert (
        reverse(
            "registry:measure_detail", args=[Assessment.objects.first().versions["measures"][0]]
        )
        in panel
    )
    assert "Re-assess now" not in panel  # viewers cannot re-assess
    assert reverse("assessments:case_history", args=[assessed.pk]) in panel


def test_officer_reassesses_with_htmx_and_gets_the_panel(assessed, officer_client):
    url = reverse("assessments:case_reassess", args=[assessed.pk])
    response = officer_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Re-assess now" in response.content.decode()
    latest = Case.objects.get(pk=assessed.pk).latest_assessment
    assert latest.trigger == "manual"
    assert response.wsgi_request.user == latest.actor
    plain = officer_client.post(url)
    assert plain.status_code == 302


def test_viewer_cannot_reassess(assessed, viewer_client):
    url = reverse("assessments:case_reassess", args=[assessed.pk])
    assert viewer_client.post(url).status_code == 403


def test_history_shows_what_changed_and_why(assessed, viewer_client):
    html = viewer_client.get(
        reverse("assessments:case_history", args=[assessed.pk])
    ).content.decode()
    assert "Case edited" in html
    assert "licence" in html
    assert "(was <span" in html
    assert "First assessment." in html


def test_detail_replay_reproduces(assessed, viewer_client):
    a = assessed.latest_assessment
    url = reverse("assessments:detail", args=[a.pk])
    assert a.inputs_hash in viewer_client.get(url).content.decode()
    replayed = viewer_client.get(url, {"replay": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Reproduces" in replayed


def test_pages_need_the_view_permission(assessed, client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("assessments:case_history", args=[assessed.pk])).status_code == 403


def test_admin_is_read_only(assessed, staff_client):
    assert staff_client.get(reverse("admin:assessments_assessment_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:assessments_assessment_add")).status_code == 403

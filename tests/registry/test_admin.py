"""The admin: who may change what, published versions read-only, writes via the services."""

from datetime import date

import pytest
from django.urls import reverse

from registry import services
from registry.choices import ChangeKind, ListVersionStatus
from registry.models import ApprovedListVersion, Measure, Producer, ReferenceChange
from tests.registry.factories import ApprovedListVersionFactory, MeasureFactory, ProducerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(staff_user):
    v = services.approved_list_version_create(label="2025", effective_from=date(2025, 1, 1))
    services.approved_list_entry_set(version=v, producer=ProducerFactory())
    services.approved_list_publish(version=v, actor=staff_user)
    v.refresh_from_db()
    return v


@pytest.mark.parametrize("who", ["viewer_client", "officer_client"])
def test_viewers_and_officers_cannot_use_the_admin(request, who):
    client = request.getfixturevalue(who)
    m = MeasureFactory()
    for url in (
        reverse("admin:registry_measure_changelist"),
        reverse("admin:registry_measure_change", args=[m.pk]),
        reverse("admin:registry_quotaallocation_import"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    response = client.post(
        reverse("admin:registry_measure_change", args=[m.pk]), {"title": "Changed"}
    )
    assert response.status_code in (302, 403)
    m.refresh_from_db()
    assert m.title != "Changed"


def test_staff_add_a_producer_and_history_records_them(staff_client, staff_user):
    response = staff_client.post(
        reverse("admin:registry_producer_add"),
        {
            "kind": "separation_plant",
            "name_en": "Admin plant",
            "name_zh": "",
            "aliases": "[]",
            "uscc": "",
            "province": "",
            "notes": "",
            "confidence": "confirmed",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    p = Producer.objects.get(name_en="Admin plant")
    assert p.history.first().history_user == staff_user


def test_staff_change_a_producers_group_through_the_service(staff_client, staff_user):
    p = ProducerFactory(group=None)
    group = ProducerFactory().group
    response = staff_client.post(
        reverse("admin:registry_producer_change", args=[p.pk]),
        {
            "group": group.pk,
            "kind": p.kind,
            "name_en": p.name_en,
            "name_zh": "",
            "aliases": "[]",
            "uscc": p.uscc,
            "province": "",
            "notes": "",
            "confidence": "confirmed",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    change = ReferenceChange.objects.get()
    assert change.kind == ChangeKind.PRODUCER
    assert change.producer_ids == [p.pk]
    assert change.actor == staff_user
    p.refresh_from_db()
    assert p.history.first().history_user == staff_user


def test_staff_edit_a_measure_and_its_suspensions_records_changes(staff_client, elements):
    m = MeasureFactory(forms=["oxide"], effective_from=date(2025, 11, 8))
    m.elements.set([elements["Dy"]])
    data = {
        "key": m.key,
        "title": "Renamed",
        "layers": '["licence"]',
        "forms": '["oxide"]',
        "hs_codes": "[]",
        "effective_from": "2025-11-08",
        "effective_to": "",
        "published_on": "",
        "summary": "",
        "scope_notes": "",
        "source": "",
        "confidence": "confirmed",
        "elements": [elements["Dy"].pk],
        "suspensions-TOTAL_FORMS": "1",
        "suspensions-INITIAL_FORMS": "0",
        "suspensions-MIN_NUM_FORMS": "0",
        "suspensions-MAX_NUM_FORMS": "1000",
        "suspensions-0-starts_on": "2025-11-07",
        "suspensions-0-ends_on": "2026-11-10",
        "suspensions-0-suspended_by": "",
        "suspensions-0-note": "No. 70",
        "suspensions-0-measure": m.pk,
    }
    response = staff_client.post(reverse("admin:registry_measure_change", args=[m.pk]), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    m.refresh_from_db()
    assert m.title == "Renamed"
    assert m.suspensions.get().ends_on == date(2026, 11, 10)
    kinds = sorted(ReferenceChange.objects.values_list("kind", flat=True))
    assert kinds == [ChangeKind.MEASURE, ChangeKind.SUSPENSION]
    suspension_change = ReferenceChange.objects.get(kind=ChangeKind.SUSPENSION)
    assert suspension_change.elements == ["Dy"]


def test_a_published_list_version_is_read_only_in_the_admin(staff_client, published):
    url = reverse("admin:registry_approvedlistversion_change", args=[published.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="label"' not in html
    assert 'name="entries-TOTAL_FORMS"' not in html or 'name="entries-0-status"' not in html
    response = staff_client.post(url, {"label": "Changed", "effective_from": "2025-01-01"})
    assert response.status_code == 403
    response = staff_client.post(
        reverse("admin:registry_approvedlistversion_delete", args=[published.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    entry = published.entries.get()
    response = staff_client.post(
        reverse("admin:registry_approvedlistentry_change", args=[entry.pk]),
        {"version": published.pk, "producer": entry.producer_id, "status": "removed"},
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.label == "2025"
    assert published.entries.get().status == "approved"


def test_bulk_delete_of_a_published_version_is_refused(staff_client, published):
    response = staff_client.post(
        reverse("admin:registry_approvedlistversion_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert ApprovedListVersion.objects.filter(pk=published.pk).exists()


def test_the_publish_action_goes_through_the_impact_preview_and_the_confirm_publishes(
    staff_client, staff_user, published
):
    draft = services.approved_list_version_create(
        label="2026", effective_from=date(2026, 1, 1), copy_from=published
    )
    entry = draft.entries.get()
    services.approved_list_entry_set(
        version=draft, producer=entry.producer, status="suspended", note="audit"
    )
    response = staff_client.post(
        reverse("admin:registry_approvedlistversion_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    publish_url = reverse("registry:list_version_publish", args=[draft.pk])
    changes = ReferenceChange.objects.count()
    assert response.status_code == 302
    assert response["Location"] == publish_url
    page = staff_client.get(publish_url)
    assert "Impact on open cases" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status != ListVersionStatus.PUBLISHED  # the preview saved nothing
    assert ReferenceChange.objects.count() == changes
    assert staff_client.post(publish_url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ListVersionStatus.PUBLISHED
    change = ReferenceChange.objects.filter(kind=ChangeKind.LIST_PUBLISHED).latest("pk")
    assert change.producer_ids == [entry.producer_id]
    assert change.actor == staff_user


def test_a_draft_version_can_be_edited_with_entries_in_the_admin(staff_client, staff_user):
    v = ApprovedListVersionFactory(label="draft")
    p = ProducerFactory()
    response = staff_client.post(
        reverse("admin:registry_approvedlistversion_change", args=[v.pk]),
        {
            "label": "draft renamed",
            "effective_from": "2026-01-01",
            "source_document": "press reports",
            "confidence": "reported",
            "notes": "",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "0",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
            "entries-0-producer": p.pk,
            "entries-0-status": "approved",
            "entries-0-note": "",
            "entries-0-version": v.pk,
        },
    )
    assert response.status_code == 302, response.content[:3000]
    v.refresh_from_db()
    assert v.label == "draft renamed"
    assert v.confidence == "reported"
    assert v.entries.get().producer == p
    assert v.history.first().history_user == staff_user


def test_reference_changes_are_read_only_in_the_admin(staff_client):
    change = services.reference_change_record(kind=ChangeKind.MEASURE, summary="x")
    response = staff_client.get(reverse("admin:registry_referencechange_change", args=[change.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert Measure.objects.count() == 0


def test_the_list_version_admin_shows_and_filters_by_confidence(staff_client):
    ApprovedListVersionFactory(label="rebuilt", confidence="reported")
    ApprovedListVersionFactory(label="miit")
    url = reverse("admin:registry_approvedlistversion_changelist")
    html = staff_client.get(url + "?confidence__exact=reported").content.decode()
    assert "rebuilt" in html
    assert "miit" not in html
    assert "Reported" in html

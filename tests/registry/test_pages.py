"""Reference-data pages: permissions and what they show."""

from datetime import date

import pytest
from django.urls import reverse

from registry import services
from registry.choices import ChangeKind
from registry.models import Suspension
from tests.registry.factories import (
    MeasureFactory,
    ProducerFactory,
    QuotaCycleFactory,
    WatchListEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(staff_user):
    m = MeasureFactory(key="no-57", title="No. 57", effective_from=date(2015, 1, 1))
    Suspension.objects.create(measure=m, starts_on=date(2016, 1, 1), ends_on=date(2020, 1, 1))
    unverified = MeasureFactory(title="Recalled measure", confidence="unconfirmed")
    a, b = ProducerFactory(name_en="Plant A"), ProducerFactory(name_en="Plant B", is_demo=True)
    v1 = services.approved_list_version_create(label="v1", effective_from=date(2020, 1, 1))
    services.approved_list_entry_set(version=v1, producer=a)
    services.approved_list_publish(version=v1, actor=staff_user)
    v2 = services.approved_list_version_create(
        label="v2", effective_from=date(2021, 1, 1), copy_from=v1, is_demo=True,
        confidence="reported", source_document="press reports",
    )  # fmt: skip
    services.approved_list_entry_set(version=v2, producer=a, status="suspended", note="audit")
    services.approved_list_entry_set(version=v2, producer=b)
    change = services.approved_list_publish(version=v2, actor=staff_user)
    cycle = QuotaCycleFactory(year=2025, published=False, confidence="estimated")
    entry = WatchListEntryFactory(name="Skydio, Inc.", suspended_until=date(2020, 11, 10))
    return {"measure": m, "unverified": unverified, "v1": v1, "v2": v2, "change": change,
            "cycle": cycle, "entry": entry}  # fmt: skip


def _urls(d):
    return [
        reverse("registry:index"),
        reverse("registry:list_diff"),
        reverse("registry:change_list"),
        reverse("registry:change_detail", args=[d["change"].pk]),
        reverse("registry:measure_detail", args=[d["measure"].pk]),
        reverse("registry:list_version_detail", args=[d["v2"].pk]),
        reverse("registry:quota_cycle_detail", args=[d["cycle"].pk]),
        reverse("registry:watch_entry_detail", args=[d["entry"].pk]),
    ]


@pytest.mark.parametrize("who", ["viewer_client", "officer_client", "staff_client"])
def test_every_role_can_read_the_pages(request, who, data):
    client = request.getfixturevalue(who)
    for url in _urls(data):
        assert client.get(url).status_code == 200, url


def test_a_user_without_a_role_gets_403(client, no_role_user, data):
    client.force_login(no_role_user)
    for url in _urls(data):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_log_in(client, data):
    response = client.get(reverse("registry:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_index_marks_lapsed_suspensions_unverified_and_demo_rows(viewer_client, data):
    html = viewer_client.get(reverse("registry:index")).content.decode()
    assert "lapsed on 2020-01-01 - verify" in html
    assert '<span class="tag tag-unverified"' in html
    assert '<span class="tag tag-demo"' in html
    assert "v2" in html  # in force
    assert "Edit in the admin" not in html


def test_a_list_version_that_is_not_official_is_labelled_reported_on_every_page(
    viewer_client, data
):
    v1, v2 = data["v1"], data["v2"]
    label = '<span class="tag tag-reported"'
    detail = viewer_client.get(reverse("registry:list_version_detail", args=[v2.pk]))
    html = detail.content.decode()
    assert label in html
    assert "not an official MIIT list" in html
    official = viewer_client.get(reverse("registry:list_version_detail", args=[v1.pk]))
    assert label not in official.content.decode()
    index = viewer_client.get(reverse("registry:index")).content.decode()
    assert index.count(label) == 2  # in force, and its row in the versions table
    diff = viewer_client.get(reverse("registry:list_diff") + f"?a={v1.pk}&b={v2.pk}")
    assert diff.content.decode().count(label) == 1


def test_staff_get_links_into_the_admin(staff_client, data):
    html = staff_client.get(reverse("registry:index")).content.decode()
    assert reverse("admin:registry_measure_changelist") in html


def test_list_diff_page_is_bookmarkable_and_shows_the_differences(viewer_client, data):
    url = reverse("registry:list_diff") + f"?a={data['v1'].pk}&b={data['v2'].pk}"
    response = viewer_client.get(url)
    diff = response.context["diff"]
    assert [r.producer for r in diff.added] == ["Plant B"]
    assert [(r.old_status, r.new_status) for r in diff.status_changed] == [
        ("approved", "suspended")
    ]
    html = response.content.decode()
    assert "Plant B" in html
    assert "status changed" in html
    # Only "b": compared with the version in force before it.
    response = viewer_client.get(reverse("registry:list_diff") + f"?b={data['v2'].pk}")
    assert response.context["a"] == data["v1"]


def test_change_pages_show_who_what_keys_and_progress(viewer_client, data, staff_user):
    change = data["change"]
    change.affected_count, change.done_count, change.band_changed_count = 7, 5, 2
    change.save()
    html = viewer_client.get(reverse("registry:change_list")).content.decode()
    assert change.summary in html
    assert staff_user.first_name in html
    html = viewer_client.get(reverse("registry:change_detail", args=[change.pk])).content.decode()
    assert "Approved list published" in html
    assert str(change.producer_ids[0]) in html
    assert ">7<" in html
    assert ">5<" in html
    assert ">2<" in html
    response = viewer_client.get(reverse("registry:change_list") + f"?kind={ChangeKind.MEASURE}")
    assert change.summary not in response.content.decode()


def test_watch_entry_with_a_lapsed_suspension_says_verify(viewer_client, data):
    url = reverse("registry:watch_entry_detail", args=[data["entry"].pk])
    assert "lapsed on 2020-11-10 - verify" in viewer_client.get(url).content.decode()


def test_unpublished_cycle_page_says_volumes_unknown_and_unverified(viewer_client, data):
    url = reverse("registry:quota_cycle_detail", args=[data["cycle"].pk])
    html = viewer_client.get(url).content.decode()
    assert "volumes not made public" in html
    assert "tag-unverified" in html


def test_change_detail_shows_each_case_band_before_and_after(
    viewer_client, data, officer, elements
):
    from assessments.models import Assessment
    from tests.shipments.factories import case_create_row

    case = case_create_row(owner=officer, reference="PO-CHG-1")
    common = {"as_of": "2026-12-01", "method_version": "t", "factors": [], "inputs": {}}
    before = Assessment.objects.create(
        case=case, band="high", score=60, trigger="created", inputs_hash="a", **common
    )
    Assessment.objects.create(
        case=case,
        band="critical",
        score=90,
        trigger="reference_change",
        reference_change=data["change"],
        previous=before,
        inputs_hash="b",
        **common,
    )
    url = reverse("registry:change_detail", args=[data["change"].pk])
    html = viewer_client.get(url).content.decode()
    row = html[html.index("PO-CHG-1") :]
    assert row.index("band-high") < row.index("band-critical")  # before, then after
    assert "changed" in row

import datetime as dt

import pytest

from registry.models import (
    ApprovedListEntry,
    DestinationRestriction,
    QuotaAllocation,
    QuotaBatch,
    ReferenceChange,
    Suspension,
    WatchListEntry,
)
from registry.services import destination_restriction_save
from tests.api.conftest import field_errors
from tests.api.factories import list_version_create, producer_create

V1 = "/api/v1"


@pytest.mark.parametrize(
    "url",
    [
        "/elements/",
        "/elements/Dy/",
        "/producer-groups/",
        "/producers/",
        "/list-versions/",
        "/quota-cycles/",
        "/quota-batches/",
        "/measures/",
        "/suspensions/",
        "/watch-lists/",
        "/watch-list-entries/",
        "/destination-restrictions/",
        "/reference-changes/",
        "/watch-notices/",
        "/technology-items/",
    ],
)
def test_every_role_reads_reference_data(world, viewer_api, officer_api, staff_api, url):
    for client in (viewer_api, officer_api, staff_api):
        assert client.get(V1 + url).status_code == 200


def test_details_nest_what_belongs_to_them(world, viewer_api):
    version = viewer_api.get(f"{V1}/list-versions/{world['version'].pk}/").json()
    assert version["entries"][0]["producer"] == world["producer"].pk
    cycle = viewer_api.get(f"{V1}/quota-cycles/{world['cycle'].pk}/").json()
    assert len(cycle["batches"][0]["allocations"]) == 4
    measure = viewer_api.get(f"{V1}/measures/{world['measure'].pk}/").json()
    assert measure["elements"] == ["Tb", "Dy"] or set(measure["elements"]) == {"Dy", "Tb"}
    watch = viewer_api.get(f"{V1}/watch-lists/{world['watch_list'].pk}/").json()
    assert watch["entries"][0]["name"] == "Acme Defence Systems"


def test_unknown_reference_objects_are_404(world, viewer_api):
    assert viewer_api.get(f"{V1}/producers/999999/").status_code == 404
    assert viewer_api.get(f"{V1}/elements/Xx/").status_code == 404
    assert viewer_api.get(f"{V1}/measures/{10**30}/").status_code == 404


def test_the_list_diff_names_added_removed_and_changed_producers(world, viewer_api):
    other = producer_create(group=world["group"])
    newer = list_version_create(
        entries=[(world["producer"], "suspended"), (other, "approved")],
        effective_from=dt.date(2025, 1, 1),
    )
    r = viewer_api.get(f"{V1}/list-versions/diff/", {"a": world["version"].pk, "b": newer.pk})
    assert r.status_code == 200
    data = r.json()
    assert [row["producer_id"] for row in data["added"]] == [other.pk]
    assert [row["new_status"] for row in data["status_changed"]] == ["suspended"]
    assert data["removed"] == []


@pytest.mark.parametrize(
    "params", [{}, {"b": "x"}, {"b": 999999}, {"a": "\x00", "b": 1}, {"b": 10**30}]
)
def test_a_bad_diff_query_is_400(world, viewer_api, params):
    r = viewer_api.get(f"{V1}/list-versions/diff/", params)
    assert r.status_code == 400


def test_staff_publish_a_list_version_through_the_service(world, staff_api, officer_api):
    r = staff_api.post(
        f"{V1}/list-versions/",
        {"label": "2026 list", "effective_from": "2026-01-01", "copy_from": world["version"].pk},
        format="json",
    )
    assert r.status_code == 201, r.json()
    version_id = r.json()["id"]
    assert len(r.json()["entries"]) == 1
    r = staff_api.post(
        f"{V1}/list-versions/{version_id}/entries/",
        {"producer": world["producer"].pk, "status": "removed"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert officer_api.post(f"{V1}/list-versions/{version_id}/publish/").status_code == 403
    r = staff_api.post(f"{V1}/list-versions/{version_id}/publish/")
    assert r.status_code == 201, r.json()
    assert r.json()["kind"] == "list_published"
    assert ReferenceChange.objects.filter(pk=r.json()["id"]).exists()
    # Published versions are immutable: the service's refusal is a 400.
    r = staff_api.post(
        f"{V1}/list-versions/{version_id}/entries/",
        {"producer": world["producer"].pk, "status": "approved"},
        format="json",
    )
    assert r.status_code == 400
    assert ApprovedListEntry.objects.get(version_id=version_id).status == "removed"


def test_officers_and_viewers_cannot_write_reference_data(world, officer_api, viewer_api):
    for client in (officer_api, viewer_api):
        r = client.post(
            f"{V1}/list-versions/", {"label": "x", "effective_from": "2026-01-01"}, format="json"
        )
        assert r.status_code == 403
        r = client.patch(f"{V1}/measures/{world['measure'].pk}/", {"title": "x"}, format="json")
        assert r.status_code == 403
        r = client.post(
            f"{V1}/watch-lists/{world['watch_list'].pk}/entries/", {"name": "X"}, format="json"
        )
        assert r.status_code == 403


def test_staff_issue_a_quota_batch_and_set_an_allocation(world, staff_api):
    r = staff_api.post(
        f"{V1}/quota-cycles/{world['cycle'].pk}/batches/",
        {"number": 2, "issued_on": "2026-07-01", "smelting_total": "10000.00"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    batch = QuotaBatch.objects.get(pk=r.json()["id"])
    r = staff_api.post(
        f"{V1}/quota-batches/{batch.pk}/allocations/",
        {"group": world["group"].pk, "kind": "smelting", "category": "ionic", "tonnes": "500"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert QuotaAllocation.objects.filter(batch=batch).count() == 1
    assert ReferenceChange.objects.filter(kind__in=["quota_batch", "quota_allocation"]).count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {"number": 0},
        {"number": 2, "smelting_total": "-1"},
        {"number": 2, "smelting_total": "1e20"},
        {"number": 2, "issued_on": "01/07/2026"},
        {"number": "two"},
        {"number": 2, "notes": "a\x00b"},
    ],
)
def test_bad_quota_input_is_400(world, staff_api, body):
    r = staff_api.post(f"{V1}/quota-cycles/{world['cycle'].pk}/batches/", body, format="json")
    assert r.status_code == 400
    assert set(body) & set(field_errors(r))


def test_staff_change_a_measure_and_suspend_it(world, staff_api):
    url = f"{V1}/measures/{world['measure'].pk}/"
    r = staff_api.patch(
        url, {"title": "No. 18 of 2025", "elements": ["Dy", "Tb", "Sm"]}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert set(r.json()["elements"]) == {"Dy", "Tb", "Sm"}
    r = staff_api.patch(url, {"elements": ["Zz"], "layers": []}, format="json")
    assert r.status_code == 400
    assert {"elements", "layers"} <= set(field_errors(r))
    r = staff_api.patch(url, {"effective_to": "2020-01-01"}, format="json")
    assert r.status_code == 400  # the model's own check, through the service
    r = staff_api.post(
        f"{V1}/suspensions/",
        {"measure": world["measure"].pk, "starts_on": "2025-11-10", "ends_on": "2026-11-10"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    suspension_id = r.json()["id"]
    r = staff_api.put(
        f"{V1}/suspensions/{suspension_id}/",
        {"measure": world["measure"].pk, "starts_on": "2025-11-10", "ends_on": "2027-11-10"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert Suspension.objects.get(pk=suspension_id).ends_on == dt.date(2027, 11, 10)
    r = staff_api.post(
        f"{V1}/suspensions/",
        {"measure": world["measure"].pk, "starts_on": "2026-01-01", "ends_on": "2025-01-01"},
        format="json",
    )
    assert r.status_code == 400


def test_staff_add_and_update_watch_list_entries(world, staff_api):
    r = staff_api.post(
        f"{V1}/watch-lists/{world['watch_list'].pk}/entries/",
        {"name": "Skyline Avionics", "aliases": ["Skyline"], "country": "US"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    entry_id = r.json()["id"]
    r = staff_api.patch(
        f"{V1}/watch-list-entries/{entry_id}/", {"status": "suspended"}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert WatchListEntry.objects.get(pk=entry_id).status == "suspended"
    r = staff_api.patch(f"{V1}/watch-list-entries/{entry_id}/", {"country": "usa"}, format="json")
    assert r.status_code == 400
    assert "country" in field_errors(r)
    assert ReferenceChange.objects.filter(kind="watch_list").count() == 2


def test_reference_changes_show_rescore_progress(world, staff_api):
    staff_api.post(
        f"{V1}/watch-lists/{world['watch_list'].pk}/entries/", {"name": "New Party"}, format="json"
    )
    change = staff_api.get(f"{V1}/reference-changes/").json()["results"][0]
    assert {"status", "affected_count", "done_count", "band_changed_count"} <= set(change)


def test_a_list_version_says_how_it_is_known(world, staff_api, viewer_api):
    assert viewer_api.get(f"{V1}/list-versions/").json()["results"][0]["confidence"] == "official"
    r = staff_api.post(
        f"{V1}/list-versions/",
        {"label": "Reported 2026", "effective_from": "2026-01-01", "confidence": "reported"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["confidence"] == "reported"
    r = staff_api.post(
        f"{V1}/list-versions/",
        {"label": "Rumoured", "effective_from": "2026-01-01", "confidence": "rumoured"},
        format="json",
    )
    assert "confidence" in field_errors(r)


def _restriction(staff_user, **extra) -> DestinationRestriction:
    fields = {
        "country": "KP",
        "regime": "un_sanctions",
        "scope": "all_items",
        "severity": "critical",
        "title": "UN sanctions on the DPRK",
        "instrument": "UNSCR 1718 (2006)",
        "effective_from": dt.date(2006, 10, 14),
        "source": "https://www.un.org/securitycouncil/sanctions/1718",
    }
    return destination_restriction_save(
        restriction=DestinationRestriction(**(fields | extra)), actor=staff_user
    )


def test_destination_restrictions_are_read_with_their_source_and_filtered(
    world, staff_user, viewer_api, staff_api
):
    kp = _restriction(staff_user)
    _restriction(
        staff_user,
        country="US",
        regime="cn_countermeasure",
        scope="military_end_use",
        severity="high",
        title="Countermeasure list (military end users)",
        instrument="MOFCOM announcement (test)",
        effective_from=dt.date(2025, 10, 9),
        effective_to=dt.date(2026, 11, 10),
        confidence="unconfirmed",
    )
    listing = viewer_api.get(f"{V1}/destination-restrictions/").json()
    assert listing["count"] == 2
    r = viewer_api.get(f"{V1}/destination-restrictions/{kp.pk}/").json()
    assert r == {
        "id": kp.pk,
        "country": "KP",
        "regime": "un_sanctions",
        "scope": "all_items",
        "severity": "critical",
        "title": "UN sanctions on the DPRK",
        "instrument": "UNSCR 1718 (2006)",
        "effective_from": "2006-10-14",
        "effective_to": None,
        "source": "https://www.un.org/securitycouncil/sanctions/1718",
        "confidence": "confirmed",
        "notes": "",
        "is_demo": False,
    }
    us = viewer_api.get(f"{V1}/destination-restrictions/", {"severity": "high"}).json()
    assert [row["country"] for row in us["results"]] == ["US"]
    assert viewer_api.get(f"{V1}/destination-restrictions/", {"severity": "x"}).status_code == 400
    # Read-only over the API: staff maintain them in the admin, through the service.
    assert staff_api.post(f"{V1}/destination-restrictions/", {}, format="json").status_code == 405
    # The change the service recorded names the destination it touches.
    change = staff_api.get(f"{V1}/reference-changes/", {"kind": "destination"}).json()
    assert {c for row in change["results"] for c in row["destinations"]} == {"KP", "US"}


def test_an_allocation_write_on_an_unpublished_cycle_returns_the_change_it_recorded(
    world, staff_api, viewer_api
):
    from tests.api.factories import quota_cycle_create

    cycle = quota_cycle_create(year=2027, group=world["group"], published=False)
    batch = cycle.batches.get()
    body = {
        "group": world["group"].pk,
        "kind": "smelting",
        "category": "light",
        "tonnes": "0",
        "confidence": "reported",
    }
    assert viewer_api.post(f"{V1}/quota-batches/{batch.pk}/allocations/", body).status_code == 403
    r = staff_api.post(f"{V1}/quota-batches/{batch.pk}/allocations/", body, format="json")
    assert r.status_code == 201, r.json()
    link = r.json()["reference_change"]
    change = ReferenceChange.objects.get(kind="quota_allocation")
    assert link == {"id": change.pk, "url": f"/api/v1/reference-changes/{change.pk}/"}
    assert change.date_from == dt.date(2027, 1, 1)
    assert (r.json()["tonnes"], r.json()["confidence"]) == ("0.00", "reported")
    assert staff_api.get(link["url"]).json()["kind"] == "quota_allocation"
    # The same value again records nothing, and says so.
    r = staff_api.post(f"{V1}/quota-batches/{batch.pk}/allocations/", body, format="json")
    assert r.json()["reference_change"] is None
    assert ReferenceChange.objects.filter(kind="quota_allocation").count() == 1


def test_a_watch_entry_write_returns_its_change_and_entries_show_their_notice(world, staff_api):
    from registry.models import WatchNotice

    notice = WatchNotice.objects.create(
        key="uel-2026-01-01",
        watch_list=world["watch_list"],
        date=dt.date(2026, 1, 1),
        effects=["trade_ban", "entry_ban"],
    )
    r = staff_api.post(
        f"{V1}/watch-lists/{world['watch_list'].pk}/entries/", {"name": "Zeta Corp"}, format="json"
    )
    assert r.status_code == 201, r.json()
    assert ReferenceChange.objects.get(pk=r.json()["reference_change"]["id"]).kind == "watch_list"
    WatchListEntry.objects.filter(pk=r.json()["id"]).update(notice=notice)
    entry = staff_api.get(f"{V1}/watch-list-entries/{r.json()['id']}/").json()
    assert (entry["notice"], entry["effects"]) == ("uel-2026-01-01", ["trade_ban", "entry_ban"])
    listed = staff_api.get(f"{V1}/watch-notices/uel-2026-01-01/").json()
    assert (listed["watch_list_key"], listed["effects"]) == ("uel", ["trade_ban", "entry_ban"])


def test_technology_items_are_listed_read_only(world, viewer_api, staff_api):
    from registry.models import TechnologyItem

    TechnologyItem.objects.create(
        key="mofcom-2025-62-1e902-a",
        title="technologies and carriers for rare earth mining",
        klass="dual_use",
        control_code="1E902.a",
        measure=world["measure"],
    )
    r = viewer_api.get(f"{V1}/technology-items/", {"klass": "dual_use"})
    assert r.status_code == 200
    [item] = r.json()["results"]
    assert (item["control_code"], item["measure_key"]) == ("1E902.a", world["measure"].key)
    assert staff_api.post(f"{V1}/technology-items/", {"key": "x"}).status_code == 405

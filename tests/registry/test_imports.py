"""CSV/XLSX import with a dry run: one bad row changes nothing and is named by row and field."""

import io
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from registry.choices import ChangeKind, ListVersionStatus
from registry.models import ApprovedListVersion, QuotaAllocation, ReferenceChange, WatchListEntry
from registry.resources import (
    ApprovedListEntryResource,
    ApprovedListVersionResource,
    QuotaAllocationResource,
    WatchListEntryResource,
)
from tests.registry.factories import (
    ApprovedListVersionFactory,
    ProducerFactory,
    ProducerGroupFactory,
    QuotaBatchFactory,
    QuotaCycleFactory,
    WatchListFactory,
)

pytestmark = pytest.mark.django_db
ENTRY_HEADERS = ["version", "producer", "status", "note"]
HEADERS = ["year", "batch", "group", "kind", "category", "tonnes", "confidence", "source"]


@pytest.fixture
def setup_quota(elements):
    batch = QuotaBatchFactory(cycle=QuotaCycleFactory(year=2024), number=1)
    northern = ProducerGroupFactory(key="china-northern")
    creg = ProducerGroupFactory(key="china-rare-earth-group")
    return batch, northern, creg


def _rows(bad_tonnes="-5"):
    return [
        ["2024", "1", "china-northern", "smelting", "total", "88010", "reported", "test"],
        ["2024", "1", "china-rare-earth-group", "mining", "ionic", bad_tonnes, "reported", "t"],
    ]


def _csv(rows) -> bytes:
    ds = tablib.Dataset(*rows, headers=HEADERS)
    return ds.export("csv").encode()


def test_resource_import_with_one_bad_row_changes_nothing_and_names_row_and_field(setup_quota):
    dataset = tablib.Dataset(*_rows(), headers=HEADERS)
    result = QuotaAllocationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "tonnes" in invalid.field_specific_errors
    assert QuotaAllocation.objects.count() == 0
    assert not ReferenceChange.objects.exists()


def test_resource_import_names_an_unknown_batch(setup_quota):
    rows = [["2031", "4", "china-northern", "smelting", "total", "1", "reported", ""]]
    result = QuotaAllocationResource().import_data(tablib.Dataset(*rows, headers=HEADERS))
    [invalid] = result.invalid_rows
    assert invalid.number == 1
    assert "batch" in invalid.field_specific_errors


def test_resource_import_of_allocations_records_one_reference_change(setup_quota, staff_user):
    _, northern, creg = setup_quota
    dataset = tablib.Dataset(*_rows(bad_tonnes="10140"), headers=HEADERS)
    result = QuotaAllocationResource().import_data(dataset, dry_run=False, user=staff_user)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert QuotaAllocation.objects.count() == 2
    change = ReferenceChange.objects.get()
    assert change.kind == ChangeKind.QUOTA_ALLOCATION
    assert set(change.group_ids) == {northern.pk, creg.pk}
    assert change.forms == ["alloy", "compound", "magnet", "metal", "ore", "oxide", "target"]
    assert change.elements == []  # a "total" allocation covers every element
    assert change.actor == staff_user
    assert QuotaAllocation.objects.get(group=northern).history.first().history_user == staff_user


def test_a_dry_run_changes_nothing(setup_quota):
    dataset = tablib.Dataset(*_rows(bad_tonnes="1"), headers=HEADERS)
    result = QuotaAllocationResource().import_data(dataset, dry_run=True)
    assert not result.has_validation_errors()
    assert QuotaAllocation.objects.count() == 0
    assert not ReferenceChange.objects.exists()


def test_admin_import_dry_run_shows_the_bad_row_and_field_and_offers_no_confirm(
    setup_quota, staff_client
):
    url = reverse("admin:registry_quotaallocation_import")
    upload = io.BytesIO(_csv(_rows()))
    upload.name = "allocations.csv"
    response = staff_client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    assert [r.number for r in result.invalid_rows] == [2]
    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "validation-error-field-label" in html
    assert "tonnes" in html
    assert "Tonnage cannot be negative" in html or "greater than or equal to 0" in html
    assert QuotaAllocation.objects.count() == 0


def test_admin_import_confirm_step_saves_rows_records_change_and_history(
    setup_quota, staff_client, staff_user
):
    url = reverse("admin:registry_quotaallocation_import")
    upload = io.BytesIO(_csv(_rows(bad_tonnes="10140")))
    upload.name = "allocations.csv"
    response = staff_client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert QuotaAllocation.objects.count() == 0  # the dry run kept nothing
    confirm = response.context["confirm_form"]
    response = staff_client.post(
        reverse("admin:registry_quotaallocation_process_import"), confirm.initial
    )
    assert response.status_code == 302
    assert QuotaAllocation.objects.count() == 2
    assert QuotaAllocation.objects.get(tonnes=Decimal("10140")).category == "ionic"
    change = ReferenceChange.objects.get()
    assert change.actor == staff_user
    assert change.details["import_file"] == "allocations.csv"
    alloc = QuotaAllocation.objects.first()
    assert alloc.history.first().history_user == staff_user


def test_admin_import_xlsx_is_accepted(setup_quota, staff_client):
    ds = tablib.Dataset(*_rows(bad_tonnes="1"), headers=HEADERS)
    upload = io.BytesIO(ds.export("xlsx"))
    upload.name = "allocations.xlsx"
    response = staff_client.post(
        reverse("admin:registry_quotaallocation_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context


def test_watch_list_entry_import_records_party_names(staff_user):
    wl = WatchListFactory(key="uel")
    ds = tablib.Dataset(
        ["uel", "Skydio, Inc.", "斯凯迪奥公司", "Skydio; Skydio Inc", "US", "active"],
        headers=["watch_list", "name", "name_zh", "aliases", "country", "status"],
    )
    result = WatchListEntryResource().import_data(ds, dry_run=False, user=staff_user)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    entry = WatchListEntry.objects.get(watch_list=wl)
    assert entry.aliases == ["Skydio", "Skydio Inc"]
    change = ReferenceChange.objects.get()
    assert set(change.party_names) == {"Skydio, Inc.", "斯凯迪奥公司", "Skydio", "Skydio Inc"}


def test_watch_list_entry_import_refuses_a_bad_country_code():
    WatchListFactory(key="uel")
    ds = tablib.Dataset(
        ["uel", "A Party", "USA"],
        ["uel", "B Party", "US"],
        headers=["watch_list", "name", "country"],
    )
    result = WatchListEntryResource().import_data(ds, dry_run=False)
    assert [r.number for r in result.invalid_rows] == [1]
    assert "country" in result.invalid_rows[0].field_specific_errors
    assert not WatchListEntry.objects.exists()


def test_list_entries_cannot_be_imported_into_a_published_version():
    v = ApprovedListVersionFactory(
        label="2025", status=ListVersionStatus.PUBLISHED, published_at=timezone.now()
    )
    p = ProducerFactory()
    ds = tablib.Dataset(
        ["2025", str(p.pk), "approved", ""], headers=["version", "producer", "status", "note"]
    )
    result = ApprovedListEntryResource().import_data(ds, dry_run=False)
    assert result.has_validation_errors()
    assert "version" in result.invalid_rows[0].field_specific_errors
    assert not v.entries.exists()


def test_list_entries_import_into_a_draft():
    v = ApprovedListVersionFactory(label="draft")
    p = ProducerFactory()
    ds = tablib.Dataset(
        ["draft", str(p.pk), "suspended", "audit"],
        headers=["version", "producer", "status", "note"],
    )
    result = ApprovedListEntryResource().import_data(ds, dry_run=False)
    assert not result.has_validation_errors()
    assert v.entries.get().status == "suspended"


def test_list_versions_import_and_export_their_confidence():
    headers = ["label", "status", "effective_from", "source_document", "confidence", "notes"]
    ds = tablib.Dataset(
        ["rebuilt", "draft", "2024-01-01", "press reports", "reported", ""],
        ["typo", "draft", "2024-01-01", "", "rumoured", ""],
        headers=headers,
    )
    result = ApprovedListVersionResource().import_data(ds, dry_run=False)
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "confidence" in invalid.field_specific_errors
    assert not ApprovedListVersion.objects.exists()
    ApprovedListVersionResource().import_data(tablib.Dataset(ds[0], headers=headers))
    assert ApprovedListVersion.objects.get().confidence == "reported"
    exported = ApprovedListVersionResource().export()
    assert "confidence" in exported.headers
    assert exported.dict[0]["confidence"] == "reported"


def test_measure_import_with_an_unknown_element_symbol_changes_nothing_and_names_it(elements):
    from registry.models import Measure
    from registry.resources import MeasureResource

    headers = ["key", "title", "layers", "elements", "forms", "effective_from"]
    rows = [
        ["demo-ok", "A fine measure", "licence", "Dy,Tb", "oxide", "2026-01-01"],
        ["demo-typo", "A measure with a typo", "licence", "Dy,Xx", "oxide", "2026-01-01"],
    ]
    result = MeasureResource().import_data(tablib.Dataset(*rows, headers=headers))
    assert result.has_errors() or result.has_validation_errors()
    errors = [
        (row.number, name, str(msgs))
        for row in result.invalid_rows
        for name, msgs in row.field_specific_errors.items()
    ] + [(n, "", str(e.error)) for n, errs in result.row_errors() for e in errs]
    assert any(n == 2 and "Xx" in text for n, _, text in errors), errors
    assert not Measure.objects.filter(key__startswith="demo-").exists()


def test_a_suspension_import_records_its_measures_scope_and_window(elements, staff_user):
    from registry.resources import SuspensionResource
    from tests.registry.factories import MeasureFactory

    measure = MeasureFactory(key="no-57", effective_from="2025-11-08")
    measure.elements.set([elements["Ho"]])
    headers = ["measure", "suspended_by", "starts_on", "ends_on", "note"]
    rows = [["no-57", "", "2025-11-07", "2026-11-10", "No. 70"]]
    result = SuspensionResource().import_data(
        tablib.Dataset(*rows, headers=headers), user=staff_user
    )
    assert not result.has_errors()
    assert not result.has_validation_errors()
    change = ReferenceChange.objects.get(kind=ChangeKind.SUSPENSION)
    assert change.elements == ["Ho"]
    assert sorted(change.forms) == ["metal", "oxide"]
    assert (str(change.date_from), str(change.date_to)) == ("2025-11-07", "2026-11-10")
    assert change.actor == staff_user


def test_importing_a_measure_without_element_scope_keys_every_element(elements, staff_user):
    from registry.resources import MeasureResource

    headers = ["key", "title", "layers", "elements", "forms", "effective_from"]
    rows = [
        ["scoped", "Scoped", "licence", "Dy", "oxide", "2026-01-01"],
        ["unscoped", "Any element", "licence", "", "technology", "2026-02-01"],
    ]
    result = MeasureResource().import_data(tablib.Dataset(*rows, headers=headers), user=staff_user)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    change = ReferenceChange.objects.get(kind=ChangeKind.MEASURE)
    assert change.elements == []  # "any element": the unscoped row touches them all
    assert sorted(change.forms) == ["oxide", "technology"]
    assert (str(change.date_from), change.date_to) == ("2026-01-01", None)

"""Destination restrictions: shipped as reference data, validated, and every admin or import
write recorded as a reference change keyed by destination country."""

from datetime import date

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from registry import services
from registry.choices import ChangeKind
from registry.loading import load_reference_data
from registry.models import DestinationRestriction, ReferenceChange
from registry.resources import DestinationRestrictionResource
from registry.services.keys import ChangeKeys, DestinationWindow, destination_keys
from tests.registry.factories import DestinationRestrictionFactory

pytestmark = pytest.mark.django_db
HEADERS = [
    "country", "instrument", "regime", "scope", "severity", "title", "effective_from",
    "effective_to", "source", "confidence", "notes",
]  # fmt: skip


def _form(**overrides) -> dict:
    data = {
        "country": "LY",
        "regime": "un_sanctions",
        "scope": "military_end_use",
        "severity": "high",
        "title": "UN arms embargo on Libya",
        "instrument": "UNSCR 1970 (2011)",
        "effective_from": "2011-02-26",
        "effective_to": "",
        "source": "un.org",
        "confidence": "confirmed",
        "notes": "",
    }
    return {**data, **overrides}


def test_the_loader_ships_dated_sourced_restrictions(db):
    load_reference_data()
    by_country = {r.country: r for r in DestinationRestriction.objects.all()}
    assert set(by_country) == {"KP", "LY", "SS", "CF", "CD", "SD", "IR", "US"}
    kp = by_country["KP"]
    assert (kp.regime, kp.scope, kp.severity) == ("un_sanctions", "all_items", "critical")
    assert kp.effective_from == date(2006, 10, 14)
    assert "1718 (2006)" in kp.instrument
    assert "2397 (2017)" in kp.instrument
    assert kp.confidence == "confirmed"
    assert "MOFCOM" in kp.notes
    for code in ("LY", "SS", "CF", "CD", "SD"):
        r = by_country[code]
        assert (r.regime, r.scope, r.severity) == ("un_sanctions", "military_end_use", "high")
    assert "2024" in by_country["CF"].notes
    iran = by_country["IR"]
    assert (iran.effective_from, iran.confidence) == (date(2025, 9, 28), "unconfirmed")
    assert "does not recognise" in iran.notes
    us = by_country["US"]
    assert (us.regime, us.scope, us.severity) == (
        "cn_countermeasure",
        "military_end_use",
        "critical",
    )
    assert us.instrument == "MOFCOM Announcement No. 46 of 2024"
    assert (us.effective_from, us.confidence) == (date(2024, 12, 3), "unconfirmed")
    for r in by_country.values():
        assert r.source, r.country
        assert not r.is_demo
        r.full_clean()
    history = DestinationRestriction.history.count()
    again = load_reference_data()
    assert again["created"] == again["updated"] == 0
    assert DestinationRestriction.history.count() == history
    assert not ReferenceChange.objects.exists()


def test_an_end_before_the_start_is_refused_by_validation_and_by_the_database():
    r = DestinationRestrictionFactory.build(
        effective_from=date(2025, 1, 1), effective_to=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as e:
        r.full_clean()
    assert "effective_to" in e.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        r.save()
    with pytest.raises(ValidationError) as e:
        r.validate_constraints()
    assert "must come after its start" in " ".join(e.value.messages)


def test_a_country_is_a_two_letter_code_and_an_instrument_is_listed_once_per_country():
    with pytest.raises(ValidationError) as e:
        DestinationRestrictionFactory.build(country="kp").full_clean()
    assert "country" in e.value.message_dict
    first = DestinationRestrictionFactory(country="LY", instrument="UNSCR 1970 (2011)")
    with pytest.raises(ValidationError) as e:
        DestinationRestrictionFactory.build(country="LY", instrument=first.instrument).full_clean()
    assert "already has a restriction under this instrument" in " ".join(e.value.messages)


def test_staff_create_a_restriction_in_the_admin_and_a_keyed_change_is_recorded(
    staff_client, staff_user
):
    response = staff_client.post(reverse("admin:registry_destinationrestriction_add"), _form())
    assert response.status_code == 302, response.content[:3000]
    r = DestinationRestriction.objects.get()
    assert r.history.first().history_user == staff_user
    change = ReferenceChange.objects.get()
    assert change.kind == ChangeKind.DESTINATION
    assert change.destinations == ["LY"]
    assert (change.date_from, change.date_to) == (date(2011, 2, 26), None)
    assert change.actor == staff_user
    assert change.source_pk == str(r.pk)
    assert not change.affects_no_case


def test_moving_a_restriction_keys_the_old_and_the_new_country_and_window(staff_client, staff_user):
    r = DestinationRestrictionFactory(
        country="CF", instrument="UNSCR 2127 (2013)", effective_from=date(2013, 12, 5)
    )
    url = reverse("admin:registry_destinationrestriction_change", args=[r.pk])
    form = _form(
        country="CD", instrument=r.instrument, effective_from="2014-01-01",
        effective_to="2024-07-30",
    )  # fmt: skip
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content[:3000]
    change = ReferenceChange.objects.get()
    assert change.destinations == ["CD", "CF"]
    assert (change.date_from, change.date_to) == (date(2013, 12, 5), None)
    assert change.details["old"]["country"] == "CF"
    # Saving the same values again moves nothing and records nothing.
    staff_client.post(url, form)
    assert ReferenceChange.objects.count() == 1


def test_deleting_a_restriction_in_the_admin_records_its_keys(staff_client, staff_user):
    r = DestinationRestrictionFactory(country="SS", instrument="UNSCR 2428 (2018)")
    url = reverse("admin:registry_destinationrestriction_delete", args=[r.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not DestinationRestriction.objects.exists()
    change = ReferenceChange.objects.get()
    assert change.destinations == ["SS"]
    assert change.details["new"] is None


def test_an_import_with_one_bad_country_code_changes_nothing_and_names_the_row(staff_user):
    DestinationRestrictionFactory(country="KP", instrument="UNSCR 1718 (2006)")
    rows = [
        ["KP", "UNSCR 1718 (2006)", "un_sanctions", "all_items", "critical", "DPRK renamed",
         "2006-10-14", "", "un.org", "confirmed", ""],
        ["North Korea", "UNSCR 2270 (2016)", "un_sanctions", "all_items", "critical", "DPRK",
         "2016-03-02", "", "un.org", "confirmed", ""],
    ]  # fmt: skip
    result = DestinationRestrictionResource().import_data(
        tablib.Dataset(*rows, headers=HEADERS), dry_run=False, user=staff_user
    )
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "country" in invalid.field_specific_errors
    assert DestinationRestriction.objects.get().title != "DPRK renamed"
    assert DestinationRestriction.objects.count() == 1
    assert not ReferenceChange.objects.exists()


def test_an_import_records_one_change_for_the_file_with_every_country(staff_user):
    rows = [
        ["LY", "UNSCR 1970 (2011)", "un_sanctions", "military_end_use", "high", "Libya",
         "2011-02-26", "", "un.org", "confirmed", ""],
        ["SS", "UNSCR 2428 (2018)", "un_sanctions", "military_end_use", "high", "South Sudan",
         "2018-07-13", "", "un.org", "confirmed", ""],
    ]  # fmt: skip
    result = DestinationRestrictionResource().import_data(
        tablib.Dataset(*rows, headers=HEADERS), dry_run=False, user=staff_user
    )
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert DestinationRestriction.objects.count() == 2
    change = ReferenceChange.objects.get()
    assert change.kind == ChangeKind.DESTINATION
    assert change.destinations == ["LY", "SS"]
    assert change.date_from == date(2011, 2, 26)
    assert change.actor == staff_user
    assert {h.history_user for h in DestinationRestriction.history.all()} == {staff_user}


def test_destination_keys_are_stored_sorted_upper_case_and_any_when_empty():
    keys = destination_keys(
        DestinationWindow("us", date(2024, 12, 3), None),
        old=DestinationWindow("KP", date(2006, 10, 14), date(2030, 1, 1)),
    )
    assert keys.as_fields()["destinations"] == ["KP", "US"]
    assert (keys.date_from, keys.date_to) == (date(2006, 10, 14), None)
    # A change with no destination key on one side covers every destination.
    assert ChangeKeys.union([keys, ChangeKeys()]).destinations == frozenset()
    assert ReferenceChange(**keys.as_fields()).keys()["destinations"] == ["KP", "US"]


def test_the_overview_page_lists_the_restrictions_and_marks_unverified_ones(viewer_client):
    DestinationRestrictionFactory(country="KP", title="UN sanctions on the DPRK")
    DestinationRestrictionFactory(
        country="US", title="No. 46 of 2024", confidence="unconfirmed",
        regime="cn_countermeasure", scope="military_end_use",
    )  # fmt: skip
    html = viewer_client.get(reverse("registry:index")).content.decode()
    assert "UN sanctions on the DPRK" in html
    assert "military end users or end uses" in html
    assert html.count('<span class="tag tag-unverified"') == 1


def test_the_change_page_shows_the_destination_key(viewer_client, staff_user):
    r = DestinationRestrictionFactory(country="IR", instrument="snapback")
    services.destination_restriction_save(restriction=r, actor=staff_user)  # unchanged: none
    assert not ReferenceChange.objects.exists()
    r.severity = "high"
    services.destination_restriction_save(restriction=r, actor=staff_user)
    change = ReferenceChange.objects.get()
    assert change.destinations == ["IR"]
    html = viewer_client.get(reverse("registry:change_detail", args=[change.pk])).content.decode()
    assert "<dt>Destinations</dt><dd>IR</dd>" in html

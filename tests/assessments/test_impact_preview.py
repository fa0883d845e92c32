"""The impact preview lists exactly the cases a real publish then changes, with the same
before and after bands and verdicts, and saves nothing (issue 15). Three writes: a list
version, a quota cut and a measure (suspension) change."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from assessments.choices import Trigger
from assessments.preview import impact_preview
from assessments.services import assessment_run
from assessments.tasks import rescore_change
from registry import services
from registry.models import ApprovedListVersion, QuotaAllocation, ReferenceChange, Suspension
from shipments.models import Case
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)
IN_2024 = dt.date(2024, 8, 1)


def _state() -> dict[int, tuple[str, str]]:
    return {
        pk: (band, verdict)
        for pk, band, verdict in Case.objects.values_list("pk", "band", "verdict")
    }


def _preview_then_publish(apply: Callable[[], object], today: dt.date):
    """The preview's rows, then what a real write and its re-score changed."""
    before = _state()
    changes_before = ReferenceChange.objects.count()
    impact = impact_preview(apply=apply, today=today)
    assert ReferenceChange.objects.count() == changes_before  # nothing saved
    assert _state() == before
    last = ReferenceChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    apply()
    for change in ReferenceChange.objects.filter(pk__gt=last).order_by("pk"):
        rescore_change(change, today=today)
    after = _state()
    moved = {pk: (before[pk], after[pk]) for pk in after if after[pk] != before[pk]}
    previewed = {
        row.case_id: ((row.old_band, row.old_verdict), (row.new_band, row.new_verdict))
        for row in impact.rows
    }
    return impact, previewed, moved


def _assess(*cases, today=TODAY):
    for case in cases:
        assessment_run(case=case, trigger=Trigger.CREATED, today=today)


def test_publishing_a_list_version_previews_exactly_the_cases_it_moves(world, officer, staff_user):
    creg_dy = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    creg_ndpr = case_create(officer, producer=world.creg_plant, elements=("Nd", "Pr"))
    northern = case_create(officer, producer=world.northern_plant)
    _assess(creg_dy, creg_ndpr, northern)
    draft = services.approved_list_version_create(
        label="2026 list", effective_from=dt.date(2026, 1, 1), copy_from=world.list_2024
    )
    services.approved_list_entry_set(
        version=draft, producer=world.creg_plant, status="removed", note="dropped"
    )
    impact, previewed, moved = _preview_then_publish(
        lambda: services.approved_list_publish(
            version=ApprovedListVersion.objects.get(pk=draft.pk), actor=staff_user
        ),
        TODAY,
    )
    assert impact.changes[0][1].startswith("Approved list 2026 list published")
    assert impact.affected == 2  # the two cases sourcing from the removed plant
    assert previewed == moved
    # The Dy case is held already (licence not applied): its band and verdict stay.
    assert set(previewed) == {creg_ndpr.pk}
    assert northern.pk not in previewed
    assert impact.worse == 1


def test_a_quota_cut_previews_exactly_the_cases_it_moves(world, officer, staff_user):
    ship = dt.date(2024, 9, 1)
    dy = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"), ship=ship)
    ndpr = case_create(officer, producer=world.creg_plant, elements=("Nd", "Pr"), ship=ship)
    _assess(dy, ndpr, today=IN_2024)
    ionic = QuotaAllocation.objects.get(
        batch=world.batch_2024, group=world.creg, kind="smelting", category="ionic"
    )

    def cut():
        return services.quota_allocation_set(
            batch=ionic.batch,
            group=world.creg,
            kind="smelting",
            category="ionic",
            tonnes=Decimal(0),
            actor=staff_user,
        )

    _, previewed, moved = _preview_then_publish(cut, IN_2024)
    assert previewed == moved
    assert dy.pk in previewed
    assert ndpr.pk not in previewed  # its source's light allocation is untouched


def test_ending_a_suspension_early_previews_exactly_the_cases_it_moves(world, officer, staff_user):
    eu = case_create(officer, producer=world.creg_plant, elements=("Eu",), form="oxide")
    nd = case_create(officer, producer=world.northern_plant, elements=("Nd",), form="oxide")
    _assess(eu, nd)

    def shorten():
        suspension = Suspension.objects.get(pk=world.suspension57.pk)
        return services.suspension_set(
            measure=world.no57,
            starts_on=suspension.starts_on,
            ends_on=dt.date(2026, 1, 15),  # before the 2026-03-01 ship date: No. 57 bites
            suspended_by=world.no70,
            suspension=suspension,
            actor=staff_user,
        )

    _, previewed, moved = _preview_then_publish(shorten, TODAY)
    assert previewed == moved
    assert set(previewed) == {eu.pk}
    ((_, _), (new_band, _)) = previewed[eu.pk]
    assert new_band in ("high", "critical")


def test_a_write_that_fails_validation_raises_and_keeps_nothing(world, staff_user):
    from django.core.exceptions import ValidationError

    published = world.list_2024
    with pytest.raises(ValidationError):
        impact_preview(apply=lambda: services.approved_list_publish(version=published))
    assert not ReferenceChange.objects.exists()


def test_the_admin_change_form_previews_then_the_confirm_saves(world, officer, staff_client):
    from django.urls import reverse

    eu = case_create(officer, producer=world.creg_plant, elements=("Eu",), form="oxide")
    _assess(eu)
    url = reverse("admin:registry_suspension_change", args=[world.suspension57.pk])
    data = {
        "measure": world.no57.pk,
        "suspended_by": world.no70.pk,
        "starts_on": "2025-11-07",
        "ends_on": "2026-01-15",
        "note": "ended early",
    }
    changes = ReferenceChange.objects.count()
    page = staff_client.post(url, {**data, "_preview": "1"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Impact on open cases" in body
    assert eu.reference in body
    assert "Confirm and save" in body
    assert "was changed successfully" not in body
    assert ReferenceChange.objects.count() == changes  # nothing saved
    assert Suspension.objects.get(pk=world.suspension57.pk).ends_on == dt.date(2026, 11, 10)
    # An invalid form shows its errors, and nothing is saved either.
    bad = staff_client.post(url, {**data, "ends_on": "not a date", "_preview": "1"})
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()
    # The confirm step posts the same data without _preview: saved, one change recorded.
    saved = staff_client.post(url, {**data, "_save": "Save"})
    assert saved.status_code == 302
    assert ReferenceChange.objects.count() == changes + 1
    assert Suspension.objects.get(pk=world.suspension57.pk).ends_on == dt.date(2026, 1, 15)


def test_the_api_previews_a_write_with_preview_true_and_writes_nothing(world, officer, staff_user):
    from rest_framework.test import APIClient

    eu = case_create(officer, producer=world.creg_plant, elements=("Eu",), form="oxide")
    _assess(eu)
    api = APIClient()
    api.force_authenticate(staff_user)
    url = f"/api/v1/suspensions/{world.suspension57.pk}/"
    body = {
        "measure": world.no57.pk,
        "suspended_by": world.no70.pk,
        "starts_on": "2025-11-07",
        "ends_on": "2026-01-15",
    }
    changes = ReferenceChange.objects.count()
    r = api.put(url + "?preview=true", body, format="json")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["preview"] is True
    assert data["affected"] == 1
    assert [row["reference"] for row in data["rows"]] == [eu.reference]
    assert data["rows"][0]["direction"] == "worse"
    assert ReferenceChange.objects.count() == changes
    assert Suspension.objects.get(pk=world.suspension57.pk).ends_on == dt.date(2026, 11, 10)
    # Bad input is a 400 naming the field, previewed or not.
    r = api.put(url + "?preview=true", {**body, "ends_on": "2020-01-01"}, format="json")
    assert r.status_code == 400
    r = api.put(url, body, format="json")
    assert r.status_code == 200
    assert ReferenceChange.objects.count() == changes + 1

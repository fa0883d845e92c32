"""System-wide caveats are shown once, on every page, and match the factors' wording."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.choices import Trigger
from assessments.selectors.caveats import system_caveats
from assessments.services import assessment_run
from registry.models import QuotaCycle
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db


def test_years_without_a_published_cycle_are_caveats(world, officer):
    today = dt.date(2025, 11, 1)
    case_create(officer, producer=world.creg_plant, ship=dt.date(2026, 3, 1))
    case_create(officer, producer=world.creg_plant, ship=dt.date(2024, 3, 1), status="closed")
    assert system_caveats(today) == [
        "2025 quota volumes are unpublished",
        "2026 quota volumes are unpublished",
    ]
    QuotaCycle.objects.create(year=2026, published=True, confidence="official")
    assert system_caveats(today) == ["2025 quota volumes are unpublished"]


def test_the_banner_names_the_caveat_once_and_the_factor_carries_the_same_words(
    world, officer, officer_client
):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd",), ship=None)
    assessment = assessment_run(case=case, trigger=Trigger.CREATED, today=dt.date(2025, 6, 1))
    quota = next(f for f in assessment.factors if f["factor"] == "quota_headroom")
    assert quota["caveat"] == "2025 quota volumes are unpublished"
    assert assessment.versions["caveats"] == [quota["caveat"]]
    html = officer_client.get(reverse("shipments:case_list"), follow=True).content.decode()
    banner = html.count('class="msg msg-warning caveat-banner"')
    assert banner == 1
    this_year = dt.date.today().year
    assert not QuotaCycle.objects.filter(year=this_year, published=True).exists()  # the world
    assert f"{this_year} quota volumes are unpublished" in html

"""System-wide caveats: doubts that apply to every case alike, shown once (a banner), not
per case and not added up (DOMAIN, second edition, "Quota data as it is known")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from assessments.selectors.case_rows import WORKING_STATUSES
from registry.models import QuotaCycle
from shipments.models import Case


def unpublished_caveat(year: int) -> str:
    """The method's wording (method.factors.quota): one string, so the banner and the
    factors' `caveat` agree."""
    return f"{year} quota volumes are unpublished"


def system_caveats(today: dt.date) -> list[str]:
    """One caveat per quota year from this one to the furthest open case's ship date that
    has no published cycle: those cases fall back on the latest full published year. (One
    aggregate, not a distinct over the cases: the banner is on every page.)"""
    last = Case.objects.filter(status__in=WORKING_STATUSES, planned_ship_date__gt=today).aggregate(
        last=Max("planned_ship_date")
    )["last"]
    years = set(range(today.year, (last.year if last else today.year) + 1))
    published = set(
        QuotaCycle.objects.filter(year__in=years, published=True).values_list("year", flat=True)
    )
    return [unpublished_caveat(year) for year in sorted(years - published)]

"""System-wide caveats: doubts that apply to every case alike, shown once (a banner), not
per case and not added up (DOMAIN, second edition, "Quota data as it is known")."""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import ExtractYear

from assessments.selectors.case_rows import WORKING_STATUSES
from registry.models import QuotaCycle
from shipments.models import Case


def unpublished_caveat(year: int) -> str:
    """The method's wording (method.factors.quota): one string, so the banner and the
    factors' `caveat` agree."""
    return f"{year} quota volumes are unpublished"


def system_caveats(today: dt.date) -> list[str]:
    """One caveat per quota year that open cases are judged in and that has no published
    cycle: those cases fall back on the latest full published year."""
    years = {today.year}
    years.update(
        Case.objects.filter(status__in=WORKING_STATUSES, planned_ship_date__gt=today)
        .annotate(year=ExtractYear("planned_ship_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    published = set(
        QuotaCycle.objects.filter(year__in=years, published=True).values_list("year", flat=True)
    )
    return [unpublished_caveat(year) for year in sorted(years - published)]

"""What needs an officer today (issue 15): named case sets the dashboard counts and the
register filters by (`?attention=<name>`), so every number on the dashboard opens the
register on exactly those cases. One definition per set, for both.

They read the case's latest assessment (its stored versions and factors): the method's
decision dates and the documents factor, as the case page shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import (
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from .choices import LicenceStatus
from .models import Case, Document

SOON = dt.timedelta(days=30)
RECENT = dt.timedelta(days=7)
BAND_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _decision_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The latest plausible decision date of a pending application, as a date."""
    return qs.filter(licence_status=LicenceStatus.APPLIED).annotate(
        _due=Cast(
            Coalesce(
                KeyTextTransform("decision_due_latest", "latest_assessment__versions"),
                KeyTextTransform("decision_due", "latest_assessment__versions"),
            ),
            DateField(),
        )
    )


def decision_overdue(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return _decision_due(qs).filter(_due__lt=today)


def decision_after_ship(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return _decision_due(qs).filter(
        planned_ship_date__isnull=False, _due__gt=F("planned_ship_date")
    )


def documents_missing(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """The documents factor at medium or worse: a required document missing, rejected or
    expired (the checklist on the case page)."""
    wanted = [{"factor": "documents", "severity": s} for s in ("medium", "high", "critical")]
    if connection.vendor == "postgresql":
        match = Q()
        for item in wanted:
            match |= Q(latest_assessment__factors__contains=[item])
        return qs.filter(match)
    # SQLite has no JSON containment: read the factors (the embedded default's few cases).
    ids = [
        pk
        for pk, factors in qs.values_list("pk", "latest_assessment__factors")
        if any(
            f.get("factor") == "documents" and f.get("severity") in ("medium", "high", "critical")
            for f in factors or []
        )
    ]
    return qs.filter(pk__in=ids)


def documents_expiring(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    expiring = Document.objects.filter(
        case=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + SOON
    )
    return qs.filter(Exists(expiring))


def ship_soon_high(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return qs.filter(
        planned_ship_date__gte=today,
        planned_ship_date__lte=today + SOON,
        band__in=("high", "critical"),
    )


def ship_date_passed(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return qs.filter(planned_ship_date__lt=today)


def _rank(field: str) -> CaseWhen:
    return CaseWhen(
        *(When(**{field: band}, then=Value(rank)) for band, rank in BAND_ORDER.items()),
        default=Value(-1),
        output_field=IntegerField(),
    )


def escalated_recently(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """A snapshot in the last seven days whose band is worse than the one before it."""
    # The snapshot model through the relation, not an import (assessments sits above).
    snapshots = Case._meta.get_field("assessments").related_model
    since = timezone.now() - RECENT
    worse = (
        snapshots.objects.filter(case=OuterRef("pk"), created_at__gte=since)
        .annotate(_new=_rank("band"), _old=_rank("previous__band"))
        .filter(previous__isnull=False, _new__gt=F("_old"))
    )
    return qs.filter(Exists(worse))


ATTENTION: dict[str, tuple[str, Callable[[QuerySet[Case], dt.date], QuerySet[Case]]]] = {
    "decision_overdue": ("Licence decision overdue", decision_overdue),
    "decision_after_ship": ("Licence decision due after the ship date", decision_after_ship),
    "documents_missing": ("Documents missing, rejected or expired", documents_missing),
    "documents_expiring": ("A document expires within 30 days", documents_expiring),
    "ship_soon_high": ("Ships within 30 days at high or critical", ship_soon_high),
    "ship_date_passed": ("Planned ship date passed", ship_date_passed),
    "escalated": ("Band worsened in the last 7 days", escalated_recently),
}
ATTENTION_CHOICES = [(key, label) for key, (label, _) in ATTENTION.items()]


def attention_filter(qs: QuerySet[Case], name: str, today: dt.date) -> QuerySet[Case]:
    return ATTENTION[name][1](qs, today)

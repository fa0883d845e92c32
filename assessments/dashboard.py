"""Home: today's work (issue 15). Every figure is a count of a register filter, and links to
the register filtered on exactly those cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import APPROVE_DISPOSITION
from assessments.models import Assessment
from assessments.selectors.case_rows import WORKING_STATUSES
from assessments.selectors.dispositions import dispositions_awaiting
from method.choices import BANDS, VERDICT_LABELS, VERDICTS
from shipments.attention import ATTENTION, RECENT, attention_filter
from shipments.models import Case


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    url: str


def register_url(**params) -> str:
    query = [("status", s) for s in WORKING_STATUSES] + [
        (k, v)
        for k, values in params.items()
        for v in (values if isinstance(values, list) else [values])
    ]
    return f"{reverse('shipments:case_list')}?{urlencode(query)}"


def dashboard_figures(user, today: dt.date) -> dict:
    """The dashboard's numbers, as the register would count them."""
    working = Case.objects.filter(status__in=WORKING_STATUSES)
    by_band = dict(working.values_list("band").annotate(n=Count("pk")).order_by())
    by_verdict = dict(working.values_list("verdict").annotate(n=Count("pk")).order_by())
    bands = [
        Figure(b, b.capitalize(), by_band.get(b, 0), register_url(band=b)) for b in reversed(BANDS)
    ]
    verdicts = [
        Figure(v, VERDICT_LABELS[v], by_verdict.get(v, 0), register_url(verdict=v))
        for v in VERDICTS
    ]
    mine = Figure(
        "mine", "My open cases", working.filter(owner=user).count(), register_url(owner=user.pk)
    )
    awaiting = Figure(
        "approvals",
        "Dispositions awaiting my approval",
        dispositions_awaiting(user).count(),
        reverse("assessments:approvals"),
    )
    attention = [
        Figure(
            key, label, attention_filter(working, key, today).count(), register_url(attention=key)
        )
        for key, (label, _) in ATTENTION.items()
    ]
    escalations = list(
        Assessment.objects.filter(
            case__status__in=WORKING_STATUSES,
            created_at__gte=timezone.now() - RECENT,
            previous__isnull=False,
        )
        .exclude(band="low")
        .select_related("case", "previous", "reference_change", "actor")
        .order_by("-created_at")[:200]
    )
    rank = {b: i for i, b in enumerate(BANDS)}
    escalated = [a for a in escalations if rank[a.band] > rank.get(a.previous.band, 99)][:20]
    return {
        "total": working.count(),
        "bands": bands,
        "verdicts": verdicts,
        "mine": mine,
        "awaiting": awaiting if user.has_perm(APPROVE_DISPOSITION) else None,
        "attention": attention,
        "escalated": escalated,
    }


@require_GET
@permission_required("shipments.view_case", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "assessments/dashboard.html",
        {"today": today, **dashboard_figures(request.user, today)},
    )

"""Reference pages that need case counts, which only the assessments layer may compute
(registry sits below shipments): the measures timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from assessments.dashboard import register_url
from assessments.selectors.measures import MeasureCases, measure_open_cases
from registry import charts, selectors


def _register_link(measure, counts: MeasureCases) -> str:
    """The register filtered on exactly the cases counted, when its filters can say so:
    elements (any of) and forms (any of) on open and on-hold cases. It cannot filter by HS
    code or by the measure's window, so a measure scoped by HS code, or one with in-scope
    cases outside its window on their date, gets no link."""
    symbols = [e.symbol for e in measure.elements.all()]
    if measure.hs_codes or not (symbols or measure.forms):
        return ""
    if not counts.in_force or counts.in_scope != counts.in_force:
        return ""
    return register_url(element=symbols, product_form=list(measure.forms))


@require_GET
@permission_required("registry.view_measure", raise_exception=True)
def measures_timeline(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = measure_open_cases(today)
    rows, items = [], []
    for m in selectors.measures_with_scope():
        warnings = selectors.suspension_lapse_warnings(m, today)
        c = counts.get(m.pk) or MeasureCases(m.pk, 0, 0, 0)
        first = warnings[0] if warnings else None
        items.append(
            charts.TimelineItem(
                key=m.key,
                label=Truncator(m.title).chars(50),
                layers=tuple(m.layers),
                start=m.effective_from,
                end=m.effective_to,
                suspensions=tuple((s.starts_on, s.ends_on) for s in m.suspensions.all()),
                warning=first.short if first else "",
                warning_on=first.suspension.ends_on if first else None,
                confidence=m.confidence,
            )
        )
        rows.append(
            {
                "measure": m,
                "suspensions": [selectors.suspension_state(s, today) for s in m.suspensions.all()],
                "warnings": warnings,
                "counts": c,
                "scoped": bool(m.hs_codes or m.forms or m.elements.all()),
                "register_url": _register_link(m, c),
            }
        )
    timeline = charts.timeline_chart(
        items,
        today=today,
        id="measures-timeline",
        title=f"Measures on one time axis, as of {today}",
        desc="Each measure's effective window as a bar coloured and named by its layer of "
        "control; its suspensions as a cross-hatched band over it; an arrow where the window "
        "has no end; a warning sign where a suspension lapses within "
        f"{selectors.LAPSE_WARNING_DAYS} days or has lapsed with no extension recorded; a "
        "dashed line at today. The table below gives the same dates and the open cases each "
        "measure touches.",
    )
    return render(
        request,
        "assessments/measures_timeline.html",
        {
            "today": today,
            "timeline": timeline,
            "rows": rows,
            "warning_days": selectors.LAPSE_WARNING_DAYS,
            "warning_count": sum(len(r["warnings"]) for r in rows),
        },
    )

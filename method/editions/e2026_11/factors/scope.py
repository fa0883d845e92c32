"""Product scope: which measures bite on these elements and this form on the as-of date."""

from __future__ import annotations

import datetime as dt

from method.editions.e2026_11.applicability import MeasureStatus
from method.editions.e2026_11.factors.context import (
    Context,
    element_list,
    joined,
    measure_evidence,
    short_title,
)
from method.editions.e2026_11.result import FactorResult, worst

FACTOR = "product_scope"
# A suspension ending this soon after the ship date is worth a note: a slip puts the
# shipment under the suspended measure again.
_SOON = dt.timedelta(days=30)
_CONTROL_LAYERS = ("licence", "technology", "end_use", "quota", "reporting")


def _names(statuses: list[MeasureStatus]) -> str:
    return joined([short_title(status.measure.title) for status in statuses])


def _prohibition(statuses: list[MeasureStatus], ctx: Context) -> str:
    return (
        f"Export is prohibited: {_names(statuses)} covers {ctx.case.product_form} "
        f"on {ctx.as_of.isoformat()}."
    )


def _lapse(status: MeasureStatus) -> tuple[str, str]:
    """The reason sentence and the next step for a suspension that has run out."""
    lapsed = status.lapsed
    assert lapsed is not None  # only called for lapsed statuses
    ends = lapsed.ends_on.isoformat() if lapsed.ends_on else "?"
    suspender = short_title(lapsed.by_title)
    sentence = (
        f"{short_title(status.measure.title)} was suspended by {suspender}; "
        f"suspension lapsed on {ends} - verify whether it was extended."
    )
    return sentence, f"check mofcom.gov.cn for an extension of {suspender}"


def _suspension_note(status: MeasureStatus) -> str:
    suspension = status.suspended_by
    assert suspension is not None
    until = f" until {suspension.ends_on.isoformat()}" if suspension.ends_on else ""
    return (
        f"{short_title(status.measure.title)} is suspended by "
        f"{short_title(suspension.by_title)}{until}."
    )


def _ends_soon(status: MeasureStatus, as_of: dt.date) -> bool:
    ends_on = status.suspended_by.ends_on if status.suspended_by else None
    return ends_on is not None and ends_on - as_of <= _SOON


def product_scope(ctx: Context) -> FactorResult:
    applying = [s for s in ctx.statuses if s.applies]
    prohibited = [s for s in applying if s.has_layer("prohibition")]
    lapsed = [s for s in applying if s.lapsed is not None]
    controls = [s for s in applying if any(s.has_layer(layer) for layer in _CONTROL_LAYERS)]
    suspended = [s for s in ctx.statuses if s.in_force and s.suspended_by is not None]

    severity = worst(
        "critical" if prohibited else "none",
        "medium" if lapsed else "none",
        "low" if controls else "none",
        "low" if any(_ends_soon(s, ctx.as_of) for s in suspended) else "none",
    )
    sentences: list[str] = []
    steps: list[str] = []
    if prohibited:
        sentences.append(_prohibition(prohibited, ctx))
        steps.append("do not ship: prohibited items cannot be licensed for export")
    for status in lapsed:
        sentence, step = _lapse(status)
        sentences.append(sentence)
        steps.append(step)
    licensed = [s for s in controls if s.requires_licence and s not in prohibited]
    if licensed and not prohibited:
        sentences.append(f"{_names(licensed)} applies: a MOFCOM export licence is required.")
    if not sentences:
        sentences.append(
            f"No measure in force on {ctx.as_of.isoformat()} controls {element_list(ctx.case)} "
            f"in {ctx.case.product_form} form."
        )
    sentences.extend(_suspension_note(s) for s in suspended)
    evidence = [measure_evidence(s.measure) for s in (*applying, *suspended)]
    return FactorResult(
        factor=FACTOR,
        severity=severity,
        reason=" ".join(sentences),
        evidence=tuple(dict.fromkeys(evidence)),
        next_steps=tuple(dict.fromkeys(steps)),
    )

"""Licence: when a measure in force requires a MOFCOM licence, where does it stand?"""

from __future__ import annotations

import datetime as dt

from method.editions.e2026_12.factors.context import (
    Context,
    element_list,
    joined,
    measure_evidence,
    short_title,
)
from method.editions.e2026_12.result import Evidence, FactorResult
from method.editions.e2026_12.workdays import WorkdayCount, add_working_days

FACTOR = "licence"


def decision_due(ctx: Context) -> WorkdayCount | None:
    """MOFCOM's decision date for a pending application (applied_on + 45 working days)."""
    licence = ctx.case.licence
    if not ctx.licence_required or licence.status != "applied" or licence.applied_on is None:
        return None
    days = ctx.inputs.settings.licence_review_working_days
    return add_working_days(licence.applied_on, days, ctx.inputs.calendar)


def _calendar_evidence(count: WorkdayCount) -> Evidence:
    if count.complete:
        return Evidence("calendar", "", "China public-holiday calendar (State Council notices)")
    return Evidence("calendar", "", f"China public-holiday calendar: {count.note} (unverified)")


def _after(day: dt.date, as_of: dt.date) -> str:
    return f"{(day - as_of).days} days after the ship date"


def _with_note(text: str, count: WorkdayCount) -> str:
    return f"{text} ({count.note})." if count.note else f"{text}."


def licence(ctx: Context) -> FactorResult:
    if not ctx.licence_required:
        return _not_required(ctx)
    evidence = tuple(measure_evidence(s.measure) for s in ctx.statuses if s.requires_licence)
    status = ctx.case.licence.status
    if status == "denied":
        return _denied(ctx, evidence)
    if status == "granted":
        return _granted(ctx, evidence)
    if status == "expired":
        return FactorResult(
            FACTOR,
            "high",
            f"Licence {ctx.case.licence.number or ''} has expired; a new licence is needed.",
            evidence,
            ("apply for a new licence",),
        )
    if status == "applied":
        return _applied(ctx, evidence)
    return _not_applied(ctx, evidence)


def _denied(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    number = f" {ctx.case.licence.number}" if ctx.case.licence.number else ""
    return FactorResult(
        FACTOR,
        "critical",
        f"MOFCOM denied the export licence{number}: the shipment cannot execute as planned.",
        evidence,
        ("do not ship; review the denial with the exporter before any new application",),
    )


def _granted(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    licence_ = ctx.case.licence
    kind = "General licence" if licence_.general_licence else "Licence"
    name = f"{kind} {licence_.number}".strip()
    if licence_.valid_until is None:
        reason = f"{name} is granted but its validity date is not recorded - verify."
        return FactorResult(FACTOR, "low", reason, evidence, ("record the licence's end date",))
    until = licence_.valid_until.isoformat()
    if licence_.valid_until < ctx.as_of:
        return FactorResult(
            FACTOR,
            "high",
            f"{name} expires on {until}, before the ship date {ctx.as_of.isoformat()}.",
            evidence,
            (f"ship by {until} or apply for a new licence",),
        )
    return FactorResult(FACTOR, "none", f"{name} is granted and valid until {until}.", evidence)


def _applied(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    count = decision_due(ctx)
    if count is None or count.day is None:
        return FactorResult(
            FACTOR,
            "high",
            "A licence was applied for but the date MOFCOM received the file is not recorded.",
            evidence,
            ("record the date MOFCOM received the complete application",),
        )
    due, evidence = count.day, (*evidence, _calendar_evidence(count))
    if due > ctx.as_of:
        reason = _with_note(f"Licence decision due {due}, {_after(due, ctx.as_of)}", count)
        steps = (f"move the ship date to after {due} or ask MOFCOM for an earlier decision",)
        return FactorResult(FACTOR, "high", reason, evidence, steps)
    # A weekends-only count can only be early: the real date may fall after the ship date.
    severity = "low" if count.complete else "medium"
    reason = _with_note(f"Decision due {due}; chase MOFCOM", count)
    return FactorResult(FACTOR, severity, reason, evidence, ("chase MOFCOM for the decision",))


def _not_applied(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    days = ctx.inputs.settings.licence_review_working_days
    count = add_working_days(ctx.inputs.today, days, ctx.inputs.calendar)
    due = count.day
    assert due is not None
    timing = _after(due, ctx.as_of) if due > ctx.as_of else "before the ship date"
    reason = _with_note(
        f"A licence is required but none has been applied for; filed today, a decision "
        f"would be due by {due}, {timing}",
        count,
    )
    steps = ("file the licence application on MOFCOM's dual-use platform",)
    return FactorResult(FACTOR, "high", reason, (*evidence, _calendar_evidence(count)), steps)


def _not_required(ctx: Context) -> FactorResult:
    suspended = [
        s for s in ctx.statuses if s.in_force and s.suspended_by and s.has_layer("licence")
    ]
    as_of = ctx.as_of.isoformat()
    if suspended:
        names = joined([short_title(s.measure.title) for s in suspended])
        reason = f"No licence needed on {as_of}: {names} would require one but is suspended."
    else:
        reason = (
            f"No licence needed: no measure in force on {as_of} covers "
            f"{element_list(ctx.case)} in {ctx.case.product_form} form."
        )
    if ctx.case.licence.status == "denied":
        reason = (
            "A denial is recorded although no measure in the reference data requires "
            "a licence - verify."
        )
        return FactorResult(FACTOR, "medium", reason, (), ("check which control MOFCOM applied",))
    return FactorResult(
        FACTOR, "none", reason, tuple(measure_evidence(s.measure) for s in suspended)
    )

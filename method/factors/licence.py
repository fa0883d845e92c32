"""Licence: when a measure in force requires a MOFCOM licence, where does it stand?

Time (DOMAIN, second edition): MOFCOM decides within 45 working days of a complete file.
Counted through a year with no holiday notice, the date is a range (weekends only, and with
the year's statutory days off); the severity comes from the latest. An application past its
decision date with no decision is "decision overdue" (at least medium). A Watch List party's
review is not bound by the 45 days, so no decision date can be counted.

A licence record says what it covers: holder, items, forms, quantity (consumed by the
licence's shipments in order), validity and, for a general licence, the named customers
and end users. A general licence never covers a Watch List party.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.factors.context import Context, element_list, joined, short_title, status_evidence
from method.inputs import LicenceFacts
from method.result import Evidence, FactorResult, worst
from method.screening import normalise_party
from method.workdays import (
    add_working_days,
    add_working_days_latest,
    latest_start_for,
    working_days_between,
)

FACTOR = "licence"
_NEARLY_USED = 0.9


@dataclass(frozen=True, slots=True)
class DecisionDate:
    """MOFCOM's decision date: one day, or a range when the count ran through a year with
    no holiday notice."""

    earliest: dt.date
    latest: dt.date
    note: str  # '' when the count is complete

    @property
    def text(self) -> str:
        if self.earliest == self.latest:
            return str(self.earliest)
        return f"between {self.earliest} and {self.latest}"


def _deadline_waived(ctx: Context) -> bool:
    """A Watch List party: review is not bound by the 45 working days (MOFCOM 2026 No. 12)."""
    return ctx.case.licence.route != "general" and bool(ctx.hits_with("no_review_deadline"))


def decision_range(ctx: Context, start: dt.date) -> DecisionDate:
    days = ctx.inputs.settings.licence_review_working_days
    count = add_working_days(start, days, ctx.inputs.calendar)
    assert count.day is not None
    latest = count.day
    if not count.complete:
        latest = max(latest, add_working_days_latest(start, days, ctx.inputs.calendar))
    note = ""
    if not count.complete:
        years = ", ".join(str(year) for year in count.unknown_years)
        note = (
            f"{years} holiday notice not loaded: counted from weekends only to the statutory "
            f"days off of Decree 795 - verify"
        )
    return DecisionDate(count.day, latest, note)


def decision_due(ctx: Context) -> DecisionDate | None:
    """The decision date of a pending application (None when none can be counted)."""
    licence = ctx.case.licence
    if not ctx.licence_required or licence.status != "applied" or licence.applied_on is None:
        return None
    if _deadline_waived(ctx):
        return None
    return decision_range(ctx, licence.applied_on)


def file_by(ctx: Context) -> dt.date | None:
    """The last day to file the licence application so that MOFCOM's 45 working days end
    before the ship date (None: no licence needed, already filed, or no review deadline)."""
    licence = ctx.case.licence
    if not ctx.licence_required or licence.status != "not_applied" or _deadline_waived(ctx):
        return None
    if ctx.passed_ship_date is not None or ctx.case.planned_ship_date is None:
        return None
    days = ctx.inputs.settings.licence_review_working_days
    return latest_start_for(ctx.case.planned_ship_date, days, ctx.inputs.calendar)


def _calendar_evidence(due: DecisionDate, ctx: Context) -> Evidence:
    known = ", ".join(str(year) for year in ctx.inputs.calendar.known_years)
    label = "China public-holiday calendar (State Council notices)"
    if due.note:
        label = f"China public-holiday calendar: {due.note} (unverified)"
    return Evidence(
        "calendar",
        "",
        label,
        instrument="State Council General Office holiday notices; Decree 795 (statutory days)",
        window=f"decision {due.text}",
        data_version=f"notices loaded: {known}" if known else "no notice loaded",
        confidence="derived" if due.note else "confirmed",
    )


def _licence_evidence(licence: LicenceFacts) -> Evidence:
    parts = [f"{licence.route} licence {licence.number}".strip()]
    if licence.holder:
        parts.append(f"holder {licence.holder}")
    if licence.valid_from or licence.valid_until:
        parts.append(f"valid {licence.valid_from or '?'} to {licence.valid_until or '?'}")
    if licence.quantity_kg is not None:
        parts.append(f"{licence.quantity_kg:,.0f} kg, {licence.consumed_kg:,.0f} kg used before")
    if licence.named_parties:
        parts.append("names " + ", ".join(licence.named_parties))
    return Evidence(
        "licence",
        str(licence.record_id or ""),
        "; ".join(parts),
        instrument=f"MOFCOM {licence.route} export licence {licence.number}".strip(),
        layer="licence",
        window=f"{licence.valid_from or '?'} to {licence.valid_until or '?'}"
        if licence.valid_until or licence.valid_from
        else "",
        data_version=f"licence record {licence.record_id}" if licence.record_id else "",
    )


def _kind(ctx: Context) -> str:
    if ctx.technology is not None and ctx.technology.route == "technology_licence":
        return "technology export licence"
    return "general licence" if ctx.case.licence.route == "general" else "export licence"


def licence(ctx: Context) -> FactorResult:
    if not ctx.licence_required:
        return _not_required(ctx)
    evidence = tuple(status_evidence(s, ctx) for s in ctx.statuses if s.requires_licence)
    if ctx.technology is not None and ctx.technology.status is not None:
        evidence = (*evidence, status_evidence(ctx.technology.status, ctx))
    licence_ = ctx.case.licence
    if licence_.record_id is not None:
        evidence = (*evidence, _licence_evidence(licence_))
    evidence = tuple(dict.fromkeys(evidence))
    status = licence_.status
    if status == "denied":
        return _denied(ctx, evidence)
    if status == "granted":
        return _granted(ctx, evidence)
    if status == "expired":
        return FactorResult(
            FACTOR,
            "high",
            f"Licence {licence_.number or ''} has expired; a new licence is needed.",
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


def _coverage(ctx: Context) -> list[tuple[str, str, str]]:
    """(severity, sentence, step) for what a granted licence does not cover."""
    licence_, case = ctx.case.licence, ctx.case
    name = f"{_kind(ctx).capitalize()} {licence_.number}".strip()
    found: list[tuple[str, str, str]] = []
    if licence_.route == "general":
        for hit in ctx.hits_with("no_general_licence"):
            found.append(
                (
                    "high",
                    f"A general licence does not cover {hit.who}: it is on the "
                    f"{hit.entry.list_name} ({hit.entry.notice or hit.entry.list_key}), which "
                    f"allows no general licence.",
                    "apply for an individual licence with a risk assessment and an undertaking",
                )
            )
        if licence_.record_id is not None:
            named = {normalise_party(n) for n in licence_.named_parties}
            if not named:
                found.append(
                    (
                        "medium",
                        f"{name}: its named customers and end users are not recorded - verify.",
                        "record the customers and end users the general licence names",
                    )
                )
            else:
                for role in ("buyer", "end_user"):
                    for party in case.parties_in(role):
                        if normalise_party(party.name) not in named:
                            label = role.replace("_", " ")
                            found.append(
                                (
                                    "high",
                                    f"{name} does not name the {label} '{party.name}'.",
                                    f"apply for an individual licence or have the {label} "
                                    f"added to the general licence",
                                )
                            )
    if licence_.items:
        missing = [e.symbol for e in case.elements if e.symbol not in licence_.items]
        if missing:
            found.append(
                (
                    "high",
                    f"{name} does not cover {joined(missing)} (it covers "
                    f"{', '.join(licence_.items)}).",
                    "apply for a licence covering every controlled element",
                )
            )
    if licence_.forms and case.product_form not in licence_.forms:
        found.append(
            (
                "high",
                f"{name} covers {', '.join(licence_.forms)}, not {case.product_form}.",
                "apply for a licence for this product form",
            )
        )
    if licence_.valid_from is not None and licence_.valid_from > ctx.as_of:
        found.append(
            (
                "high",
                f"{name} is valid only from {licence_.valid_from}, after {ctx.as_of}.",
                f"ship on or after {licence_.valid_from}",
            )
        )
    found.extend(_quantity(ctx, name))
    return found


def _quantity(ctx: Context, name: str) -> list[tuple[str, str, str]]:
    licence_, wanted = ctx.case.licence, ctx.case.quantity_kg
    if licence_.quantity_kg is None or wanted is None:
        return []
    left = licence_.quantity_kg - licence_.consumed_kg
    total = f"{licence_.quantity_kg:,.0f} kg"
    used = f"{licence_.consumed_kg:,.0f} kg"
    if left <= 0:
        return [
            (
                "high",
                f"{name} is exhausted: earlier shipments on it take {used} of its {total}.",
                "apply for a new licence or a quantity increase",
            )
        ]
    if wanted > left:
        return [
            (
                "high",
                f"{name} covers {left:,.0f} kg more ({used} of {total} taken by earlier "
                f"shipments); this shipment needs {wanted:,.0f} kg.",
                "split the shipment or apply for a quantity increase",
            )
        ]
    if (licence_.consumed_kg + wanted) / licence_.quantity_kg >= _NEARLY_USED:
        return [
            (
                "low",
                f"{name}: this shipment brings its use to "
                f"{licence_.consumed_kg + wanted:,.0f} kg of {total}.",
                "",
            )
        ]
    return []


def _granted(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    licence_ = ctx.case.licence
    name = f"{_kind(ctx).capitalize()} {licence_.number}".strip()
    findings = _coverage(ctx)
    if licence_.valid_until is None:
        findings.append(
            (
                "low",
                f"{name} is granted but its validity date is not recorded - verify.",
                "record the licence's end date",
            )
        )
    elif licence_.valid_until < ctx.as_of:
        until = licence_.valid_until.isoformat()
        findings.append(
            (
                "high",
                f"{name} expires on {until}, before the ship date {ctx.as_of.isoformat()}.",
                f"ship by {until} or apply for a new licence",
            )
        )
    if not findings:
        return FactorResult(
            FACTOR, "none", f"{name} is granted and valid until {licence_.valid_until}.", evidence
        )
    severity = worst(*(f[0] for f in findings))  # type: ignore[arg-type]
    return FactorResult(
        FACTOR,
        severity,
        " ".join(f[1] for f in findings),
        evidence,
        tuple(dict.fromkeys(f[2] for f in findings if f[2])),
    )


def _waived(ctx: Context, evidence: tuple[Evidence, ...], what: str) -> FactorResult:
    hit = ctx.hits_with("no_review_deadline")[0]
    reason = (
        f"{what} MOFCOM's review is not bound by the 45 working days for {hit.who} "
        f"({hit.entry.list_name}, {hit.entry.notice or hit.entry.list_key}): no decision date "
        f"can be counted."
    )
    return FactorResult(
        FACTOR,
        "high",
        reason,
        evidence,
        ("plan the ship date without a statutory decision date; ask MOFCOM for its timetable",),
    )


def _applied(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    licence_ = ctx.case.licence
    if licence_.applied_on is None:
        return FactorResult(
            FACTOR,
            "high",
            "A licence was applied for but the date MOFCOM received the file is not recorded.",
            evidence,
            ("record the date MOFCOM received the complete application",),
        )
    if _deadline_waived(ctx):
        return _waived(ctx, evidence, f"Applied on {licence_.applied_on}.")
    due = decision_range(ctx, licence_.applied_on)
    evidence = (*evidence, _calendar_evidence(due, ctx))
    note = f" ({due.note})" if due.note else ""
    today = ctx.inputs.today
    if due.earliest < today:
        late = working_days_between(due.latest, today, ctx.inputs.calendar).days
        if due.latest < today and late > 0:
            overdue = f"decision overdue by {late} working day{'s' if late != 1 else ''}"
        else:
            overdue = "decision possibly overdue"
        reason = f"Licence decision was due {due.text}{note}: {overdue} on {today}."
        severity = "medium"
        if due.latest > ctx.as_of:
            severity = "high"
        return FactorResult(FACTOR, severity, reason, evidence, ("chase MOFCOM for the decision",))
    if due.latest > ctx.as_of:
        days = (due.latest - ctx.as_of).days
        upto = "up to " if due.earliest != due.latest else ""
        reason = f"Licence decision due {due.text}{note}, {upto}{days} days after the ship date."
        steps = (f"move the ship date to after {due.latest} or ask MOFCOM for an earlier decision",)
        return FactorResult(FACTOR, "high", reason, evidence, steps)
    reason = f"Licence decision due {due.text}{note}, before the ship date {ctx.as_of}."
    return FactorResult(
        FACTOR, "low", reason, evidence, ("follow the application on MOFCOM's platform",)
    )


def _not_applied(ctx: Context, evidence: tuple[Evidence, ...]) -> FactorResult:
    kind = _kind(ctx)
    steps = (
        "file the technology export licence application (MOFCOM, with MOST review)"
        if kind == "technology export licence"
        else "file the licence application on MOFCOM's dual-use platform",
    )
    today = ctx.inputs.today
    if _deadline_waived(ctx):
        what = f"A licence ({kind}) is required but none has been applied for."
        return _waived(ctx, evidence, what)
    due = decision_range(ctx, today)
    upto = "up to " if due.earliest != due.latest else ""
    timing = (
        f"{upto}{(due.latest - ctx.as_of).days} days after the ship date"
        if due.latest > ctx.as_of
        else "before the ship date"
    )
    note = f" ({due.note})" if due.note else ""
    reason = (
        f"{'An' if kind[0] in 'aeiou' else 'A'} {kind} is required but none has been applied "
        f"for; filed on {today}, a decision would be due by {due.text}{note}, {timing}."
    )
    return FactorResult(FACTOR, "high", reason, (*evidence, _calendar_evidence(due, ctx)), steps)


def _not_required(ctx: Context) -> FactorResult:
    as_of = ctx.as_of.isoformat()
    route = ctx.technology
    if route is not None and route.route in ("prohibited", "unclassified"):
        reason = (
            "No licence path: the technology is prohibited from export."
            if route.route == "prohibited"
            else "Which licence applies depends on the technology's classification: classify it."
        )
        severity = "none" if route.route == "prohibited" else "medium"
        steps = () if route.route == "prohibited" else ("classify the technology",)
        return FactorResult(FACTOR, severity, reason, (), steps)
    suspended = [
        s for s in ctx.statuses if s.in_force and s.suspended_by and s.has_layer("licence")
    ]
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
    return FactorResult(FACTOR, "none", reason, tuple(status_evidence(s, ctx) for s in suspended))

"""Product scope: which measures bite on these elements and this form on the as-of date."""

from __future__ import annotations

import datetime as dt

from method.editions.e2026_12_2.applicability import MeasureStatus
from method.editions.e2026_12_2.choices import MEDIUM_HEAVY_FAMILIES
from method.editions.e2026_12_2.factors.context import (
    Context,
    element_list,
    joined,
    short_title,
    status_evidence,
    suspension_text,
)
from method.editions.e2026_12_2.inputs import CaseFacts
from method.editions.e2026_12_2.result import Evidence, FactorResult, worst

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


def is_rare_earth_product(case: CaseFacts) -> bool:
    """A material form, or a tariff line the registry knows as a rare earth line."""
    return case.product_form not in ("equipment", "technology") or case.hs_line is not None


def hs_contradiction(case: CaseFacts) -> str:
    """Why the declared HS line contradicts the declared form or elements ('' when not)."""
    line = case.hs_line
    if line is None or (not case.elements and line.form == case.product_form):
        return ""
    symbols = {element.symbol for element in case.elements}
    if line.form != case.product_form:
        return f"HS {line.code} ({line.description}) is a {line.form} line, not {case.product_form}"
    if line.elements and not symbols & set(line.elements):
        return (
            f"HS {line.code} ({line.description}) covers {joined(list(line.elements))}, "
            f"none of which is declared"
        )
    if line.medium_heavy and not any(e.family in MEDIUM_HEAVY_FAMILIES for e in case.elements):
        return (
            f"HS {line.code} ({line.description}) is for medium-heavy rare earths, but only "
            f"{element_list(case)} is declared"
        )
    return ""


def _declaration(ctx: Context) -> tuple[list[tuple[str, str, str]], Evidence | None]:
    """(severity, sentence, step) findings on what was declared; "unknown is never better
    than known" (DOMAIN, second edition)."""
    case = ctx.case
    findings = []
    if is_rare_earth_product(case) and not case.elements and case.product_form != "technology":
        findings.append(
            (
                "high",
                "No composition declared for a rare earth product: scope, licence and quota "
                "cannot be judged.",
                "declare the composition (elements and shares)",
            )
        )
    contradiction = hs_contradiction(case)
    if contradiction:
        findings.append(
            (
                "medium",
                f"Declaration inconsistent: {contradiction}; customs may hold the shipment.",
                "correct the HS code or the declared form and elements",
            )
        )
    evidence = None
    if case.hs_line is not None and (contradiction or findings):
        evidence = Evidence(
            "hs_code",
            case.hs_line.code,
            f"HS {case.hs_line.code}: {case.hs_line.description}",
            instrument="China Customs tariff (registry HS lines)",
            matched=f"declared HS {case.hs_line.code}, form {case.product_form}, "
            f"elements {element_list(case)}",
        )
    return findings, evidence


def _is_prohibition(status: MeasureStatus, ctx: Context) -> bool:
    if not status.has_layer("prohibition"):
        return False
    # The technology catalogue prohibits only its prohibited items (restricted ones need a
    # technology export licence).
    if status.has_layer("technology") and ctx.technology is not None:
        return ctx.technology.route == "prohibited"
    return True


def _time(ctx: Context) -> list[tuple[str, str, str]]:
    passed = ctx.passed_ship_date
    if passed is None:
        return []
    return [
        (
            "low",
            f"Planned ship date {passed} has passed: judged as of {ctx.as_of}.",
            "record the new planned ship date",
        )
    ]


def _technology(ctx: Context) -> list[tuple[str, str, str]]:
    """Technology is classified against the catalogue (DOMAIN, second edition)."""
    route = ctx.technology
    if route is None:
        return []
    item = ctx.case.technology
    if route.route == "unclassified" or item is None:
        return [
            (
                "high",
                "Technology export not classified against the Catalogue of Technologies "
                "Prohibited or Restricted from Export or No. 62 (1E902): classify it.",
                "classify the technology against the catalogue",
            )
        ]
    code = f" ({item.control_code})" if item.control_code else ""
    named = f"'{item.title}'{code} under {short_title(item.catalogue)}"
    if route.route == "prohibited":
        return [
            (
                "critical",
                f"Export is prohibited: {named} is a prohibited item; no licence path.",
                "do not transfer: prohibited technology cannot be licensed",
            )
        ]
    if route.route == "technology_licence":
        return [
            (
                "low",
                f"{named} is a restricted item: a technology export licence is required.",
                "",
            )
        ]
    if route.route == "dual_use_licence":
        return [("low", f"{named} is a controlled dual-use technology: a licence is required.", "")]
    why = suspension_text(route.status) if route.status is not None else "not in force"
    return [("none", f"{named}: the listing measure does not apply on {ctx.as_of} ({why}).", "")]


def product_scope(ctx: Context) -> FactorResult:
    applying = [s for s in ctx.statuses if s.applies]
    prohibited = [s for s in applying if _is_prohibition(s, ctx)]
    lapsed = [s for s in applying if s.lapsed is not None]
    controls = [s for s in applying if any(s.has_layer(layer) for layer in _CONTROL_LAYERS)]
    suspended = [s for s in ctx.statuses if s.in_force and s.suspended_by is not None]

    findings, declaration_evidence = _declaration(ctx)
    findings = _time(ctx) + findings + _technology(ctx)
    if ctx.technology is not None:
        prohibited = []  # the classification said what is prohibited
    severity = worst(
        *(finding[0] for finding in findings),
        "critical" if prohibited else "none",
        "medium" if lapsed else "none",
        "low" if controls else "none",
        "low" if any(_ends_soon(s, ctx.as_of) for s in suspended) else "none",
    )
    sentences: list[str] = [finding[1] for finding in findings]
    steps: list[str] = [finding[2] for finding in findings if finding[2]]
    if prohibited:
        sentences.append(_prohibition(prohibited, ctx))
        steps.append("do not ship: prohibited items cannot be licensed for export")
    for status in lapsed:
        sentence, step = _lapse(status)
        sentences.append(sentence)
        steps.append(step)
    licensed = [s for s in controls if s.requires_licence and s not in prohibited]
    if licensed and not prohibited and ctx.technology is None:
        sentences.append(f"{_names(licensed)} applies: a MOFCOM export licence is required.")
    if len(sentences) == len(findings) and ctx.technology is None:
        sentences.append(
            f"No measure in force on {ctx.as_of.isoformat()} controls {element_list(ctx.case)} "
            f"in {ctx.case.product_form} form."
        )
    sentences.extend(_suspension_note(s) for s in suspended)
    evidence = [status_evidence(s, ctx) for s in (*applying, *suspended)]
    if declaration_evidence is not None:
        evidence.append(declaration_evidence)
    return FactorResult(
        factor=FACTOR,
        severity=severity,
        reason=" ".join(sentences),
        evidence=tuple(dict.fromkeys(evidence)),
        next_steps=tuple(dict.fromkeys(steps)),
    )

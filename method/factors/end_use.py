"""End use: how sensitive is the end use, does any party match a watch list, and is the
destination under UN sanctions or a Chinese countermeasure?

Every party is screened, whatever its role (DOMAIN, second edition); the reason names the
role, the party, the list and the notice. A destination restriction in force on the as-of
date sets its floor where its scope applies (any item, or military end use only).
"""

from __future__ import annotations

from method.choices import SEVERITY_RANK, Severity
from method.factors.context import Context, Hit
from method.inputs import DestinationFacts
from method.result import Evidence, FactorResult, unverified_suffix, worst

FACTOR = "end_use"
_CASE_BY_CASE = ("semiconductors", "aerospace")


def _end_use_finding(ctx: Context) -> tuple[Severity, str]:
    end_use = ctx.case.end_use
    if end_use == "defence":
        if ctx.licence_required:
            return "critical", (
                "Military end use of a licence-controlled item: MOFCOM denies such exports "
                "in principle."
            )
        return "high", "Military end use: expect end-use scrutiny even for uncontrolled items."
    if end_use in _CASE_BY_CASE:
        label = end_use.replace("_", " ")
        return "medium", f"{label.capitalize()} end use is reviewed case by case."
    return "none", ""


def _hit_severity(hit: Hit, licence_required: bool) -> Severity:
    """The floor a list hit sets, by the notice's effects (DOMAIN, second edition).

    Trade ban (UEL): critical for any item. Dual-use ban (ECCL): critical for a
    licence-required item, high otherwise (catch-all review). Watch List: medium (an
    individual licence with a risk assessment and undertaking; the licence and documents
    factors carry the rest). A potential match (a name alone) is at most high; a weak one,
    a suspended listing, or one whose measures were terminated: review.
    """
    state, strength = hit.state, hit.match.strength
    if state == "removed":
        return "low"
    if state == "measures_terminated":
        return "low"
    if state == "suspended" or strength == "weak":
        return "medium"
    effects = hit.effects
    if "trade_ban" in effects:
        floor: Severity = "critical"
    elif "dual_use_ban" in effects:
        floor = "critical" if licence_required else "high"
    elif "no_general_licence" in effects or "risk_assessment" in effects:
        floor = "medium" if licence_required else "low"
    else:
        floor = "medium"
    if strength == "potential" and floor == "critical":
        return "high"
    return floor


def _effects_text(hit: Hit) -> str:
    labels = {
        "trade_ban": "ban on China-related trade",
        "dual_use_ban": "no dual-use items",
        "no_general_licence": "no general licence",
        "risk_assessment": "risk assessment and undertaking required",
        "no_review_deadline": "review not bound by 45 working days",
    }
    return ", ".join(labels[e] for e in hit.effects if e in labels)


def _state_text(hit: Hit) -> str:
    entry = hit.entry
    if hit.state == "lapsed":
        return f"suspension lapsed on {entry.suspended_until} - verify"
    if hit.state == "suspended":
        until = f" until {entry.suspended_until}" if entry.suspended_until else ""
        return f"measures suspended{until}"
    return hit.state.replace("_", " ")


def _hit_sentence(hit: Hit) -> str:
    entry, match = hit.entry, hit.match
    kind = {"strong": "matches", "potential": "may be", "weak": "resembles"}[match.strength]
    notice = f", {entry.notice}" if entry.notice else ""
    effects = _effects_text(hit)
    effects = f": {effects}" if effects and hit.biting else ""
    sentence = (
        f"{hit.who[0].upper()}{hit.who[1:]} {kind} '{entry.name}' on the {entry.list_name} "
        f"({_state_text(hit)}{notice}; {match.described}){effects}"
    )
    review = match.strength != "strong" or hit.state not in ("active",)
    return sentence + (" - review." if review and hit.state != "lapsed" else ".")


def _hit_evidence(hit: Hit) -> Evidence:
    entry, match = hit.entry, hit.match
    label = f"{entry.name} - {entry.list_name}, {_state_text(hit)}"
    if entry.notice:
        label += f", {entry.notice}"
    if entry.version_date:
        label += f", list of {entry.version_date}"
    label += f" ({match.described}){unverified_suffix(entry.confidence)}"
    suspension = ""
    if entry.suspended_until is not None:
        suspension = _state_text(hit) if hit.state in ("lapsed", "suspended") else ""
    return Evidence(
        "watch_entry",
        str(entry.id),
        label,
        instrument=f"{entry.list_name}: {entry.notice}" if entry.notice else entry.list_name,
        layer="end_use, licence" if "no_general_licence" in hit.effects else "end_use",
        suspension=suspension,
        matched=f"{hit.who}: {match.strength} match {match.described}",
        data_version=", ".join(
            part
            for part in (
                entry.notice_key or entry.notice,
                f"list as of {entry.version_date}" if entry.version_date else "",
            )
            if part
        ),
        confidence="unverified" if unverified_suffix(entry.confidence) else entry.confidence,
    )


def _in_force(restriction: DestinationFacts, ctx: Context) -> bool:
    ends = restriction.effective_to
    return restriction.effective_from <= ctx.as_of and (ends is None or ctx.as_of < ends)


def _destination(ctx: Context) -> tuple[list[Severity], list[str], list[Evidence], list[str]]:
    severities: list[Severity] = []
    sentences, evidence, steps = [], [], []
    for restriction in ctx.inputs.destination_restrictions:
        if restriction.country != ctx.case.destination or not _in_force(restriction, ctx):
            continue
        what = f"{restriction.title} ({restriction.instrument})"
        label = what + unverified_suffix(restriction.confidence)
        evidence.append(
            Evidence(
                "destination",
                str(restriction.id),
                label,
                instrument=restriction.instrument,
                layer="end_use",
                window=(
                    f"{restriction.effective_from} to {restriction.effective_to}"
                    if restriction.effective_to
                    else f"in force from {restriction.effective_from}"
                ),
                matched=f"destination {restriction.country}"
                + (", military end use" if restriction.scope == "military_end_use" else ""),
                data_version=restriction.regime,
                confidence="unverified"
                if unverified_suffix(restriction.confidence)
                else restriction.confidence,
            )
        )
        military = ctx.case.end_use == "defence"
        if restriction.scope == "all_items" or military:
            severities.append(restriction.severity)  # type: ignore[arg-type]
            sentences.append(f"Destination {restriction.country} is under {label}.")
            steps.append(f"do not ship to {restriction.country} without legal clearance")
        else:
            severities.append("low")
            sentences.append(
                f"Destination {restriction.country} is under {label} for military end use: "
                f"confirm the end use is civil."
            )
            steps.append("obtain an end-use statement confirming civil use")
    return severities, sentences, evidence, steps


def end_use(ctx: Context) -> FactorResult:
    severity, sentence = _end_use_finding(ctx)
    severities: list[Severity] = [severity]
    # (severity, sentence): the reason reads worst finding first (2026.12-3), so that its
    # first sentence is what decides the factor (the verdict quotes it).
    found: list[tuple[Severity, str]] = [(severity, sentence)] if sentence else []
    evidence: list[Evidence] = []
    extra_steps: list[str] = []
    if not ctx.case.parties_in("end_user"):
        severities.append("medium")
        found.append(("medium", "No end user declared: declare the end user."))
        extra_steps.append("declare the end user")
    for hit in ctx.hits:
        hit_severity = _hit_severity(hit, ctx.licence_required)
        severities.append(hit_severity)
        found.append((hit_severity, _hit_sentence(hit)))
        evidence.append(_hit_evidence(hit))
        if hit.has("trade_ban") and hit.match.strength == "strong":
            extra_steps.append(f"do not ship: {hit.who} is barred from China-related trade")
    screened = bool(evidence)
    d_severities, d_sentences, d_evidence, d_steps = _destination(ctx)
    severities.extend(d_severities)
    found.extend(zip(d_severities, d_sentences, strict=True))
    evidence.extend(d_evidence)
    final = worst(*severities)
    found.sort(key=lambda pair: -SEVERITY_RANK[pair[0]])
    sentences = [text for _, text in found]
    steps = ["review the watch-list match with the compliance lead"] if screened else []
    steps.extend(extra_steps)
    steps.extend(d_steps)
    if final in ("high", "critical") and not evidence:
        steps.append("obtain an end-use statement and assess the military link")
    if not screened:
        label = ctx.case.end_use.replace("_", " ")
        count = len(ctx.case.parties)
        parties = f"{count} part{'y' if count == 1 else 'ies'} screened"
        sentences.append(f"{label.capitalize()} end use; no watch-list match ({parties}).")
    return FactorResult(
        FACTOR, final, " ".join(sentences), tuple(dict.fromkeys(evidence)), tuple(steps)
    )

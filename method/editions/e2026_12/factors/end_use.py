"""End use: how sensitive is the end use, does any party match a watch list, and is the
destination under UN sanctions or a Chinese countermeasure?

Every party is screened, whatever its role (DOMAIN, second edition); the reason names the
role, the party, the list and the notice. A destination restriction in force on the as-of
date sets its floor where its scope applies (any item, or military end use only).
"""

from __future__ import annotations

from method.editions.e2026_12.choices import PARTY_ROLE_LABELS, Severity
from method.editions.e2026_12.factors.context import Context
from method.editions.e2026_12.inputs import DestinationFacts, WatchEntryFacts
from method.editions.e2026_12.result import Evidence, FactorResult, unverified_suffix, worst
from method.editions.e2026_12.screening import Match, match_party

FACTOR = "end_use"
_CASE_BY_CASE = ("semiconductors", "aerospace")
_LAPSED_STATUSES = ("suspended", "measures_terminated")


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


def _match_severity(match: Match, entry: WatchEntryFacts, licence_required: bool) -> Severity:
    if entry.status == "removed":
        return "low"
    if match.strength == "weak" or entry.status in _LAPSED_STATUSES:
        return "medium"
    # Listed end users are denied in principle for controlled items.
    return "critical" if licence_required else "high"


def _match_sentence(role: str, party: str, match: Match, entry: WatchEntryFacts) -> str:
    status = entry.status.replace("_", " ")
    kind = "matches" if match.strength == "strong" else "resembles"
    notice = f", {entry.notice}" if entry.notice else ""
    sentence = (
        f"The {role} '{party}' {kind} '{match.matched_name}' on the {entry.list_name} "
        f"({status}{notice}, score {match.score:g})"
    )
    return sentence + ("" if kind == "matches" and entry.status == "active" else " - review")


def _entry_evidence(match: Match, entry: WatchEntryFacts) -> Evidence:
    label = f"{entry.name} - {entry.list_name}, {entry.status.replace('_', ' ')}"
    if entry.notice:
        label += f", {entry.notice}"
    if entry.version_date:
        label += f", list of {entry.version_date}"
    label += f" (match score {match.score:g}){unverified_suffix(entry.confidence)}"
    return Evidence("watch_entry", str(entry.id), label)


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
        evidence.append(Evidence("destination", str(restriction.id), label))
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
    sentences = [sentence] if sentence else []
    evidence: list[Evidence] = []
    extra_steps: list[str] = []
    if not ctx.case.parties_in("end_user"):
        severities.append("medium")
        sentences.append("No end user declared: declare the end user.")
        extra_steps.append("declare the end user")
    entries = {entry.id: entry for entry in ctx.inputs.watch_candidates}
    for party_facts in ctx.case.parties:
        role, party = PARTY_ROLE_LABELS[party_facts.role], party_facts.name
        if not party.strip():
            continue
        for match in match_party(party, entries.values(), ctx.inputs.settings):
            entry = entries[match.entry_id]
            severities.append(_match_severity(match, entry, ctx.licence_required))
            sentences.append(_match_sentence(role, party, match, entry) + ".")
            evidence.append(_entry_evidence(match, entry))
    screened = bool(evidence)
    d_severities, d_sentences, d_evidence, d_steps = _destination(ctx)
    severities.extend(d_severities)
    sentences.extend(d_sentences)
    evidence.extend(d_evidence)
    final = worst(*severities)
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

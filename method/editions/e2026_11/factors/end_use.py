"""End use: how sensitive is the end use, and do the parties match a watch list?"""

from __future__ import annotations

from method.editions.e2026_11.choices import Severity
from method.editions.e2026_11.factors.context import Context
from method.editions.e2026_11.inputs import WatchEntryFacts
from method.editions.e2026_11.result import Evidence, FactorResult, unverified_suffix, worst
from method.editions.e2026_11.screening import Match, match_party

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
    sentence = (
        f"The {role} '{party}' {kind} '{match.matched_name}' on the {entry.list_name} "
        f"({status}, score {match.score:g})"
    )
    return sentence + ("" if kind == "matches" and entry.status == "active" else " - review")


def _entry_evidence(match: Match, entry: WatchEntryFacts) -> Evidence:
    label = f"{entry.name} - {entry.list_name}, {entry.status.replace('_', ' ')}"
    if entry.version_date:
        label += f", list of {entry.version_date}"
    label += f" (match score {match.score:g}){unverified_suffix(entry.confidence)}"
    return Evidence("watch_entry", str(entry.id), label)


def end_use(ctx: Context) -> FactorResult:
    severity, sentence = _end_use_finding(ctx)
    severities: list[Severity] = [severity]
    sentences = [sentence] if sentence else []
    evidence: list[Evidence] = []
    entries = {entry.id: entry for entry in ctx.inputs.watch_candidates}
    parties = (("end user", ctx.case.end_user), ("consignee", ctx.case.consignee))
    for role, party in parties:
        if not party.strip():
            continue
        for match in match_party(party, entries.values(), ctx.inputs.settings):
            entry = entries[match.entry_id]
            severities.append(_match_severity(match, entry, ctx.licence_required))
            sentences.append(_match_sentence(role, party, match, entry) + ".")
            evidence.append(_entry_evidence(match, entry))
    final = worst(*severities)
    steps = ["review the watch-list match with the compliance lead"] if evidence else []
    if final in ("high", "critical") and not evidence:
        steps.append("obtain an end-use statement and assess the military link")
    if not sentences:
        label = ctx.case.end_use.replace("_", " ")
        sentences.append(f"{label.capitalize()} end use; no watch-list match for the parties.")
    return FactorResult(
        FACTOR, final, " ".join(sentences), tuple(dict.fromkeys(evidence)), tuple(steps)
    )

"""One verdict per case and one list of next steps (issue 14; DOMAIN, "Decisions that last").

The verdict follows from the decided factors, worst first:
- any factor critical: "Do not ship: <that factor's finding>";
- else any factor high: "Hold until <what each high factor waits for>";
- else any factor medium: "Can ship if <what each medium factor needs>";
- else: "Clear to ship".

Next steps are the factors' steps merged: worst factor first, each step once, each with who
must act and by when, and nothing that contradicts the verdict:
- "Do not ship" keeps only the critical factors' stop and review steps ("do not ship ...",
  first, then "review ...", "verify ...", legal clearance): nothing is filed for an item that
  cannot be licensed or a party barred from trade, and no document or statement is
  requested for it;
- a step that files or chases a licence is dropped when no licence is required;
- a factor whose risk was accepted (an approved disposition) asks for nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from method.choices import VERDICT_LABELS
from method.result import FactorResult, NextStep

# What a factor at high waits for ("Hold until ...") and what one at medium needs
# ("Can ship if ..."), as clauses.
HOLD_UNTIL: dict[str, str] = {
    "product_scope": "the declaration is complete and consistent",
    "producer_eligibility": "every upstream source is shown to be an approved producer",
    "quota_headroom": "the producer's quota is evidenced",
    "licence": "an export licence covering this shipment is granted",
    "documents": "the required documents are in the file",
    "end_use": "the end user and end use are cleared",
}
SHIP_IF: dict[str, str] = {
    "product_scope": "the declaration is confirmed",
    "producer_eligibility": "the upstream sources are evidenced",
    "quota_headroom": "the producer's quota is confirmed",
    "licence": "the licence position is confirmed",
    "documents": "the outstanding documents are provided",
    "end_use": "the end use is confirmed as civil",
}
# Who acts on a step: the first rule whose words occur in the step, else the factor's.
_WHO_RULES: tuple[tuple[str, str], ...] = (
    ("compliance lead", "compliance_lead"),
    ("move the ship date", "owner"),
    ("end-user certificate", "buyer"),
    ("end-use certificate", "buyer"),
    ("end-use statement", "buyer"),
    ("end-user description", "buyer"),
    ("declare the end user", "buyer"),
    ("ask the supplier", "supplier"),
    ("upstream", "supplier"),
    ("separation plant", "supplier"),
    ("approved producer", "supplier"),
)
_FACTOR_WHO: dict[str, str] = {
    "product_scope": "owner",
    "producer_eligibility": "supplier",
    "quota_headroom": "supplier",
    "licence": "exporter",
    "documents": "exporter",
    "end_use": "owner",
}
_STOP_OR_REVIEW = re.compile(r"^(do not ship|review|verify)|legal clearance", re.IGNORECASE)
_LICENCE_FILING = re.compile(r"\b(apply|application|file the|chase mofcom)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")


def first_sentence(reason: str) -> str:
    return _SENTENCE_END.split(reason.strip(), maxsplit=1)[0].rstrip(".")


def _clause(text: str) -> str:
    """Lower-case a leading capital of an ordinary word ('The end user' -> 'the end user';
    'MOFCOM' and 'NdPr' stay)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _joined(clauses: list[str]) -> str:
    clauses = list(dict.fromkeys(clauses))
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


def verdict_for(factors: tuple[FactorResult, ...]) -> tuple[str, str]:
    """(verdict, text) from the decided factors (worst first)."""
    critical = [f for f in factors if f.severity == "critical"]
    if critical:
        return (
            "do_not_ship",
            f"{VERDICT_LABELS['do_not_ship']}: {_clause(first_sentence(critical[0].reason))}",
        )
    high = [f for f in factors if f.severity == "high"]
    if high:
        return "hold", f"Hold until {_joined([HOLD_UNTIL[f.factor] for f in high])}"
    medium = [f for f in factors if f.severity == "medium"]
    if medium:
        return "can_ship_if", f"Can ship if {_joined([SHIP_IF[f.factor] for f in medium])}"
    return "clear", VERDICT_LABELS["clear"]


def _who(step: str, factor: str) -> str:
    lowered = step.lower()
    for words, who in _WHO_RULES:
        if words in lowered:
            return who
    return _FACTOR_WHO[factor]


def next_steps_for(
    factors: tuple[FactorResult, ...],
    verdict: str,
    *,
    licence_required: bool,
    ship_by: dt.date | None,
    file_by: dt.date | None,
    accepted: frozenset[str] = frozenset(),
) -> tuple[NextStep, ...]:
    """The factors' steps merged (see the module docstring). `ship_by` is the date each step
    is due by (the ship date); `file_by` the last day to file a licence application so the
    decision can come before it."""
    steps: list[NextStep] = []
    seen: set[str] = set()
    for factor in factors:  # worst first
        if factor.factor in accepted:
            continue
        if verdict == "do_not_ship" and factor.severity != "critical":
            continue
        for text in factor.next_steps:
            key = text.strip().lower()
            if not key or key in seen:
                continue
            if verdict == "do_not_ship" and not _STOP_OR_REVIEW.search(key):
                continue
            filing = bool(_LICENCE_FILING.search(text)) and factor.factor == "licence"
            if filing and not licence_required:
                continue
            seen.add(key)
            by = file_by if filing and file_by is not None else ship_by
            steps.append(NextStep(text, _who(text, factor.factor), factor.factor, by))
    if verdict == "do_not_ship":  # the stop first, then what could lift it
        steps.sort(key=lambda step: not step.text.lower().startswith("do not ship"))
    return tuple(steps)

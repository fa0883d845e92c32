"""Documents: are the documents the licensing pathway requires present and unexpired?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.editions.e2026_12.choices import (
    CERTIFICATE_DOCUMENTS,
    DOCUMENT_LABELS,
    GENERAL_LICENCE_DOCUMENTS,
    INDIVIDUAL_LICENCE_DOCUMENTS,
    Severity,
)
from method.editions.e2026_12.factors.context import Context, build_context, joined
from method.editions.e2026_12.inputs import AssessmentInputs, DocumentFacts
from method.editions.e2026_12.result import Evidence, FactorResult, worst

FACTOR = "documents"
_COUNTING = ("provided", "verified")


def required_documents(ctx: Context) -> tuple[str, ...]:
    if not ctx.licence_required:
        return ()
    if ctx.case.licence.general_licence:
        return GENERAL_LICENCE_DOCUMENTS
    return INDIVIDUAL_LICENCE_DOCUMENTS


def _label(doc_type: str) -> str:
    return DOCUMENT_LABELS.get(doc_type, doc_type.replace("_", " "))


def _counts(document: DocumentFacts, as_of: dt.date) -> bool:
    unexpired = document.expires_on is None or document.expires_on >= as_of
    return document.status in _COUNTING and unexpired


def _problem(doc_type: str, copies: list[DocumentFacts], as_of: dt.date) -> str:
    """Why a required document does not count ('' when one copy does)."""
    if any(_counts(copy, as_of) for copy in copies):
        return ""
    expired = [c for c in copies if c.status in _COUNTING and c.expires_on is not None]
    if expired:
        latest = max(c.expires_on for c in expired if c.expires_on is not None)
        return f"expired on {latest}"
    if any(copy.status == "rejected" for copy in copies):
        return "rejected"
    return "missing"


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """One document the pathway requires, as the documents factor judges it."""

    doc_type: str
    label: str
    problem: str  # "" when a copy counts; else "missing", "rejected" or "expired on <day>"
    verified: bool  # some counting copy is verified

    @property
    def state(self) -> str:
        if not self.problem:
            return "present"
        return "expired" if self.problem.startswith("expired") else self.problem


def pathway(ctx: Context) -> str:
    """'general licence', 'individual licence', or '' when no licence file is needed."""
    if not ctx.licence_required:
        return ""
    return "general licence" if ctx.case.licence.general_licence else "individual licence"


def checklist(ctx: Context) -> tuple[ChecklistLine, ...]:
    """The required documents and their state: what the factor judges, and what the case
    page shows (one function, so the two cannot disagree)."""
    as_of = ctx.as_of
    by_type: dict[str, list[DocumentFacts]] = {}
    for document in ctx.case.documents:
        by_type.setdefault(document.doc_type, []).append(document)
    return tuple(
        ChecklistLine(
            doc_type=doc_type,
            label=_label(doc_type),
            problem=_problem(doc_type, by_type.get(doc_type, []), as_of),
            verified=any(
                c.status == "verified" and _counts(c, as_of) for c in by_type.get(doc_type, [])
            ),
        )
        for doc_type in required_documents(ctx)
    )


def document_checklist(inputs: AssessmentInputs) -> tuple[str, tuple[ChecklistLine, ...]]:
    """The pathway and its checklist for stored inputs (the case page's documents panel)."""
    ctx = build_context(inputs)
    return pathway(ctx), checklist(ctx)


def _step(doc_type: str, problem: str) -> str:
    if problem == "missing":
        return f"upload the {_label(doc_type)}"
    if problem == "rejected":
        return f"replace the rejected {_label(doc_type)}"
    return f"renew the {_label(doc_type)} ({problem})"


def documents(ctx: Context) -> FactorResult:
    lines = checklist(ctx)
    if not lines:
        return FactorResult(FACTOR, "none", "No licence is required, so no licence file is needed.")
    required = tuple(line.doc_type for line in lines)
    problems = {line.doc_type: line.problem for line in lines if line.problem}
    evidence = tuple(
        Evidence("document", document.doc_type, f"{_label(document.doc_type)} ({document.status})")
        for doc_type in required
        for document in ctx.case.documents
        if document.doc_type == doc_type
    )
    file = pathway(ctx)
    if not problems:
        by_type: dict[str, list[DocumentFacts]] = {}
        for document in ctx.case.documents:
            by_type.setdefault(document.doc_type, []).append(document)
        unverified = [t for t in required if all(c.status != "verified" for c in by_type[t])]
        severity: Severity = "low" if unverified else "none"
        reason = f"All {len(required)} documents for the {file} are on file"
        reason += f"; {len(unverified)} not yet verified." if unverified else "."
        return FactorResult(FACTOR, severity, reason, evidence)
    severity = worst(
        "high" if any(t in CERTIFICATE_DOCUMENTS for t in problems) else "none",
        "medium",
    )
    listed = joined([f"{_label(t)} ({p})" for t, p in problems.items()])
    reason = f"The {file} file lacks: {listed}."
    steps = tuple(_step(t, p) for t, p in problems.items())
    return FactorResult(FACTOR, severity, reason, evidence, steps)

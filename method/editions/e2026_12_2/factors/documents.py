"""Documents: are the documents the shipment needs present and unexpired?

Two files (DOMAIN, second edition): the licence application file, needed until MOFCOM
decides (with a Watch List party's risk assessment and undertaking), and the shipment file,
needed to ship (contract, commercial invoice, packing list; where a licence is required the
end-user certificate and, once granted, the licence copy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.editions.e2026_12_2.choices import (
    CERTIFICATE_DOCUMENTS,
    DOCUMENT_LABELS,
    GENERAL_LICENCE_DOCUMENTS,
    INDIVIDUAL_LICENCE_DOCUMENTS,
    SHIPMENT_DOCUMENTS,
    WATCH_LIST_DOCUMENTS,
    Severity,
)
from method.editions.e2026_12_2.factors.context import Context, build_context, joined
from method.editions.e2026_12_2.inputs import AssessmentInputs, DocumentFacts
from method.editions.e2026_12_2.result import Evidence, FactorResult, worst

FACTOR = "documents"
_COUNTING = ("provided", "verified")


def application_file(ctx: Context) -> tuple[str, ...]:
    """Needed until MOFCOM decides: the individual licence file, plus a Watch List party's
    risk assessment and undertaking. A general licence needs no file per shipment."""
    if not ctx.licence_required or ctx.case.licence.route == "general":
        return ()
    if ctx.case.licence.status not in ("not_applied", "applied"):
        return ()
    extras = WATCH_LIST_DOCUMENTS if ctx.hits_with("risk_assessment") else ()
    return (*INDIVIDUAL_LICENCE_DOCUMENTS, *extras)


def shipment_file(ctx: Context) -> tuple[str, ...]:
    """Needed to ship: the commercial documents, and where a licence is required the
    end-user certificate (the end-use one too on a general licence) and, once granted, a
    copy of the licence."""
    documents: list[str] = list(SHIPMENT_DOCUMENTS)
    if ctx.case.product_form == "technology":
        documents.remove("packing_list")
    if ctx.licence_required:
        documents.append("end_user_certificate")
        if ctx.case.licence.route == "general":
            documents.extend(GENERAL_LICENCE_DOCUMENTS)
        if ctx.case.licence.status == "granted":
            documents.append("licence")
    return tuple(dict.fromkeys(documents))


def required_documents(ctx: Context) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*application_file(ctx), *shipment_file(ctx))))


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
    file: str = "shipment"  # application (needed until the decision) | shipment (to ship)

    @property
    def state(self) -> str:
        if not self.problem:
            return "present"
        return "expired" if self.problem.startswith("expired") else self.problem


def pathway(ctx: Context) -> str:
    """'general licence', 'individual licence', 'technology export licence', or '' when no
    licence is needed."""
    if not ctx.licence_required:
        return ""
    if ctx.technology is not None and ctx.technology.route == "technology_licence":
        return "technology export licence"
    return "general licence" if ctx.case.licence.route == "general" else "individual licence"


def checklist(ctx: Context) -> tuple[ChecklistLine, ...]:
    """The required documents and their state, application file first: what the factor
    judges, and what the case page shows (one function, so the two cannot disagree)."""
    as_of = ctx.as_of
    by_type: dict[str, list[DocumentFacts]] = {}
    for document in ctx.case.documents:
        by_type.setdefault(document.doc_type, []).append(document)
    application = application_file(ctx)
    lines = []
    for file, doc_types in (("application", application), ("shipment", shipment_file(ctx))):
        for doc_type in doc_types:
            if file == "shipment" and doc_type in application:
                continue  # one line per document: the application file needs it first
            copies = by_type.get(doc_type, [])
            lines.append(
                ChecklistLine(
                    doc_type=doc_type,
                    label=_label(doc_type),
                    problem=_problem(doc_type, copies, as_of),
                    verified=any(c.status == "verified" and _counts(c, as_of) for c in copies),
                    file=file,
                )
            )
    return tuple(lines)


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


def _severity(line: ChecklistLine, ctx: Context) -> Severity:
    """Certificates where a licence is required: high. Another application document, the
    licence copy or a Watch List document: medium. Commercial documents: low (needed to
    ship, not yet a risk)."""
    if ctx.licence_required and line.doc_type in CERTIFICATE_DOCUMENTS:
        return "high"
    if line.file == "application" or line.doc_type in ("licence", *WATCH_LIST_DOCUMENTS):
        return "medium"
    return "low"


def _evidence(line: ChecklistLine, ctx: Context) -> tuple[Evidence, ...]:
    file = "application file" if line.file == "application" else "shipment file"
    return tuple(
        Evidence(
            "document",
            document.doc_type,
            f"{_label(document.doc_type)} ({document.status})",
            instrument=f"{file}: {pathway(ctx) or 'no licence'}",
            window=f"expires {document.expires_on}" if document.expires_on else "",
        )
        for document in ctx.case.documents
        if document.doc_type == line.doc_type
    )


def documents(ctx: Context) -> FactorResult:
    lines = checklist(ctx)
    if not lines:
        return FactorResult(FACTOR, "none", "No documents are required.")
    evidence = tuple(item for line in lines for item in _evidence(line, ctx))
    problems = [line for line in lines if line.problem]
    file = pathway(ctx)
    sentences = []
    application = [line for line in lines if line.file == "application"]
    if not problems:
        unverified = [line for line in lines if not line.verified]
        severity: Severity = "low" if unverified and file else "none"
        reason = f"All {len(lines)} required documents are on file"
        reason += f"; {len(unverified)} not yet verified." if unverified else "."
        return FactorResult(FACTOR, severity, reason, evidence)
    for which, title in (("application", f"The {file} application"), ("shipment", "The shipment")):
        missing = [line for line in problems if line.file == which]
        if missing:
            listed = joined([f"{line.label} ({line.problem})" for line in missing])
            sentences.append(f"{title} file lacks: {listed}.")
    if application and not any(line.file == "application" for line in problems):
        sentences.insert(0, f"The {file} application file is complete.")
    severity = worst(*(_severity(line, ctx) for line in problems))
    steps = tuple(_step(line.doc_type, line.problem) for line in problems)
    return FactorResult(FACTOR, severity, " ".join(sentences), evidence, steps)

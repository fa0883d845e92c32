"""Turning stored snapshots into what the pages show: factor rows with evidence links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from assessments.models import ACCEPTABLE_SEVERITIES, Assessment
from assessments.selectors import FactorChange, assessment_diff
from method.choices import ACTOR_LABELS, FACTOR_LABELS, PARTY_ROLE_LABELS
from method.factors.documents import document_checklist
from method.inputs import AssessmentInputs

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4}
# Evidence kind -> the registry page that shows it (each takes the row's pk).
EVIDENCE_URLS = {
    "measure": "registry:measure_detail",
    "list_version": "registry:list_version_detail",
    "quota_cycle": "registry:quota_cycle_detail",
    "watch_entry": "registry:watch_entry_detail",
}


# The structured evidence fields (method.result.Evidence), in the order an auditor reads
# them, with their labels on the page.
EVIDENCE_FIELDS = (
    ("instrument", "Instrument"),
    ("layer", "Layer"),
    ("window", "Window"),
    ("suspension", "Suspension"),
    ("matched", "How it matched"),
    ("control_code", "Control code"),
    ("data_version", "Data version"),
    ("confidence", "Confidence"),
)


@dataclass
class EvidenceRow:
    kind: str
    label: str
    url: str | None
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value), set only


def evidence_row(item: dict) -> EvidenceRow:
    """One stored evidence item (older snapshots carry only kind, ref_id and label)."""
    return EvidenceRow(
        item["kind"],
        item["label"],
        evidence_url(item["kind"], item["ref_id"]),
        [(label, str(item[key])) for key, label in EVIDENCE_FIELDS if item.get(key)],
    )


@dataclass
class FactorRow:
    factor: str
    label: str
    severity: str
    reason: str
    evidence: list[EvidenceRow] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    caveat: str = ""  # a system-wide caveat behind the severity (shown, not added up)
    raw_severity: str = ""  # where a disposition decided the factor: its severity without

    @property
    def acceptable(self) -> bool:
        """An officer may accept this factor's risk (medium or high, not decided yet)."""
        return not self.raw_severity and self.severity in ACCEPTABLE_SEVERITIES


def evidence_url(kind: str, ref_id: str) -> str | None:
    name = EVIDENCE_URLS.get(kind)
    if not name or not str(ref_id).isdigit():
        return None
    try:
        return reverse(name, args=[int(ref_id)])
    except NoReverseMatch:  # the registry page is not there (yet): show the label only
        return None


def factor_rows(assessment: Assessment) -> list[FactorRow]:
    rows = [
        FactorRow(
            factor=f["factor"],
            label=FACTOR_LABELS.get(f["factor"], f["factor"]),
            severity=f["severity"],
            reason=f["reason"],
            evidence=[evidence_row(e) for e in f.get("evidence", [])],
            caveat=f.get("caveat", ""),
            next_steps=list(f.get("next_steps", [])),
            raw_severity=f.get("raw_severity", ""),
        )
        for f in assessment.factors
    ]
    # Stored worst first already; sorting again keeps old snapshots right too.
    return sorted(rows, key=lambda r: SEVERITY_ORDER.get(r.severity, 5))


@dataclass
class StepRow:
    text: str
    who: str
    by: str  # ISO date or ''
    factor: str


@dataclass
class DecidedRow:
    """An approved disposition that decided this assessment."""

    disposition_id: int
    what: str  # "false positive: end user 'X' vs 'Lockheed ...'" / "risk accepted: End use"
    author: str
    approver: str
    expires_on: str


@dataclass
class VerdictView:
    verdict: str  # do_not_ship | hold | can_ship_if | clear; '' before 2026.12-3
    text: str
    band: str
    raw_band: str
    steps: list[StepRow]
    decided: list[DecidedRow]
    reopened: list[tuple[int, str, str]]  # (disposition id, outcome, why)

    @property
    def differs(self) -> bool:
        return bool(self.raw_band) and self.raw_band != self.band


_KIND_LABELS = {
    "false_positive": "false positive",
    "confirmed_match": "confirmed match",
    "risk_accepted": "risk accepted",
}


def _decided_what(facts: dict) -> str:
    kind = _KIND_LABELS.get(facts.get("kind", ""), facts.get("kind", ""))
    if facts.get("kind") == "risk_accepted":
        label = FACTOR_LABELS.get(facts.get("factor", ""), facts.get("factor", ""))
        return f"{kind}: {label} at {facts.get('accepted_severity', '')}"
    role = PARTY_ROLE_LABELS.get(facts.get("party_role", ""), facts.get("party_role", ""))
    return f"{kind}: {role} '{facts.get('party_name', '')}'"


def verdict_view(assessment: Assessment) -> VerdictView | None:
    """The verdict line, the merged next steps and who decided what (None for a snapshot
    made before the method had a verdict, 2026.12-3)."""
    versions = assessment.versions or {}
    if "verdict" not in versions:
        return None
    steps = [
        StepRow(
            s["text"],
            ACTOR_LABELS.get(s["who"], s["who"]),
            s.get("by") or "",
            FACTOR_LABELS.get(s["factor"], s["factor"]),
        )
        for s in versions.get("next_steps", [])
    ]
    facts = {d["id"]: d for d in (assessment.inputs or {}).get("dispositions", [])}
    decided, reopened = [], []
    for outcome in versions.get("dispositions", []):
        if outcome["outcome"] == "applied" and outcome["id"] in facts:
            d = facts[outcome["id"]]
            decided.append(
                DecidedRow(
                    d["id"], _decided_what(d), d["author"], d["approver"], d.get("expires_on") or ""
                )
            )
        elif outcome["outcome"] in ("reopened", "lapsed"):
            reopened.append((outcome["id"], outcome["outcome"], outcome.get("why", "")))
    return VerdictView(
        versions["verdict"],
        versions.get("verdict_text", ""),
        assessment.band,
        versions.get("raw_band", assessment.band),
        steps,
        decided,
        reopened,
    )


@dataclass
class HistoryEntry:
    assessment: Assessment
    older: Assessment | None
    band_changed: bool
    changes: list[FactorChange]


def history_entries(snapshots: list[Assessment]) -> list[HistoryEntry]:
    """Newest first; each entry compared with the snapshot before it."""
    entries = []
    for i, a in enumerate(snapshots):
        older = snapshots[i + 1] if i + 1 < len(snapshots) else None
        entries.append(
            HistoryEntry(
                assessment=a,
                older=older,
                band_changed=older is not None and older.band != a.band,
                changes=assessment_diff(older, a) if older else [],
            )
        )
    return entries


@dataclass
class ChecklistRow:
    doc_type: str
    label: str
    state: str  # present | missing | expired | rejected
    problem: str
    verified: bool
    document: object | None  # the newest copy of this type on the case, for its link
    file: str = "shipment"  # application (until the decision) | shipment (to ship)


@dataclass
class Checklist:
    pathway: str  # "general licence", "individual licence", or "" (no licence file needed)
    rows: list[ChecklistRow]


@dataclass(frozen=True)
class RequiredDocuments:
    """The documents the method requires, by file: the application file (needed until
    MOFCOM decides) and the shipment file (needed to ship)."""

    pathway: str
    files: dict[str, list[Any]]  # "application" | "shipment" -> checklist lines

    @property
    def lines(self) -> list[Any]:
        return [line for lines in self.files.values() for line in lines]


def required_documents(inputs: AssessmentInputs) -> RequiredDocuments:
    """`document_checklist` grouped by file, application file first."""
    pathway, lines = document_checklist(inputs)
    files: dict[str, list[Any]] = {}
    for line in lines:
        files.setdefault(line.file, []).append(line)
    return RequiredDocuments(pathway, files)


def checklist_line_data(line: Any) -> dict:
    """A checklist line as plain values, for the API."""
    return {
        "doc_type": line.doc_type,
        "label": line.label,
        "file": line.file,
        "state": line.state,
        "problem": line.problem,
        "verified": line.verified,
    }


def case_checklist(case) -> Checklist | None:
    """The documents the latest assessment's method required and how it judged each: the
    case page shows exactly this (None before the first assessment). `case.documents` is
    read for the download links only."""
    assessment = case.latest_assessment if case.latest_assessment_id else None
    if assessment is None:
        return None
    try:
        required = required_documents(AssessmentInputs.from_dict(assessment.full_inputs))
        pathway, lines = required.pathway, required.lines
    except (ValueError, TypeError, KeyError):
        return None  # inputs from an older method that no longer decode: the factor row stands
    newest: dict[str, object] = {}
    for document in sorted(case.documents.all(), key=lambda d: d.uploaded_at):
        newest[document.doc_type] = document
    rows = [
        ChecklistRow(
            line.doc_type,
            line.label[:1].upper() + line.label[1:],
            line.state,
            line.problem,
            line.verified,
            newest.get(line.doc_type),
            line.file,
        )
        for line in lines
    ]
    return Checklist(pathway, rows)

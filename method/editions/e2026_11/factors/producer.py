"""Producer eligibility: is the declared producer approved, and does its group hold a quota?"""

from __future__ import annotations

from method.editions.e2026_11.factors.context import Context
from method.editions.e2026_11.factors.quota_cycle import cycle_used
from method.editions.e2026_11.inputs import ApprovedListFacts, ProducerFacts
from method.editions.e2026_11.result import Evidence, FactorResult, worst

FACTOR = "producer_eligibility"
_STATUS_WORDS = {
    "not_listed": "is not on",
    "suspended": "is suspended on",
    "removed": "has been removed from",
}


def _list_evidence(approved: ApprovedListFacts) -> Evidence:
    label = f"Approved-producer list {approved.label} (in force from {approved.effective_from})"
    return Evidence("list_version", str(approved.version_id), label)


def _producer_evidence(producer: ProducerFacts) -> Evidence:
    return Evidence("producer", str(producer.id), producer.name)


def _listing(producer: ProducerFacts, approved: ApprovedListFacts | None, ctx: Context) -> str:
    """'' when the producer is approved, else the sentence saying why not."""
    if approved is None:
        return f"No approved-producer list is in force on {ctx.as_of.isoformat()}."
    if approved.producer_status == "approved":
        return ""
    note = f" ({approved.note})" if approved.note else ""
    words = _STATUS_WORDS[approved.producer_status]
    return f"{producer.name} {words} the approved-producer list {approved.label}{note}."


def _quota_holding(producer: ProducerFacts, ctx: Context) -> tuple[str, str, Evidence | None]:
    """(problem, all-clear sentence, evidence); the problem is '' when there is none."""
    if ctx.quota_basis is None:
        return "", "", None
    holder = producer.quota_holder_name or producer.quota_holder_key
    if not holder:
        who = producer.group_name or producer.name
        problem = f"{who} belongs to no quota-holding group, so its output is not quota output."
        return problem, "", None
    quota = ctx.inputs.quota
    if quota is None:
        return "", "", None  # the quota factor reports missing quota data
    cycle = cycle_used(quota, holder)
    if cycle.holds_any:
        return "", f"Its quota holder {holder} holds allocations in {cycle.label}.", cycle.evidence
    return f"Its quota holder {holder} holds no allocation in {cycle.label}.", "", cycle.evidence


def producer_eligibility(ctx: Context) -> FactorResult:
    case = ctx.case
    if case.product_form in ("equipment", "technology"):
        reason = f"Not applicable: {case.product_form} is not rare earth output."
        return FactorResult(FACTOR, "none", reason)
    producer = case.producer
    if producer is None:
        supplier = f" (supplier: {case.supplier_text})" if case.supplier_text else ""
        return FactorResult(
            FACTOR,
            "high",
            f"No producer declared{supplier}: approval and quota cannot be checked.",
            next_steps=("record the producing mine or separation plant",),
        )
    approved = ctx.inputs.approved_list
    listing = _listing(producer, approved, ctx)
    holding, holding_ok, quota_evidence = _quota_holding(producer, ctx)
    evidence = [_producer_evidence(producer)]
    if approved is not None:
        evidence.append(_list_evidence(approved))
    if quota_evidence is not None:
        evidence.append(quota_evidence)
    steps = []
    if listing:
        steps.append("source from an approved producer or obtain proof of approval")
    if holding:
        steps.append("confirm which quota the material was produced under")
    reason = " ".join(part for part in (listing, holding) if part)
    if not reason and approved is not None:
        reason = f"{producer.name} is approved on list {approved.label}. {holding_ok}".strip()
    return FactorResult(
        FACTOR,
        worst("high" if listing else "none", "high" if holding else "none"),
        reason,
        tuple(evidence),
        tuple(steps),
    )

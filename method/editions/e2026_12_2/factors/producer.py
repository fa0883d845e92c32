"""Producer eligibility, judged per upstream source (DOMAIN, second edition).

The exporter or processor (magnet maker, metal or alloy maker, trader) is a party, not a
quota holder: its own check is identity (a name, and a USCC for a Chinese exporter) and,
where a licence is required, that the licence holder is the exporter. Each rare earth input
is judged by its upstream source: the separation plant (the mine, for ore) on the list in
force, in a group that holds quota, with evidence of the source. Elements outside the quota
system (Sc as a by-product) need an evidenced source but not the separation list.
"""

from __future__ import annotations

from method.editions.e2026_12_2.choices import (
    PARTY_ROLE_LABELS,
    SOURCE_EVIDENCE_LABELS,
    UPSTREAM_KINDS,
    Severity,
)
from method.editions.e2026_12_2.factors.context import (
    Context,
    is_by_product,
    is_material,
    joined,
    unsourced,
)
from method.editions.e2026_12_2.factors.quota_cycle import cycle_used
from method.editions.e2026_12_2.inputs import ApprovedListFacts, SourceFacts
from method.editions.e2026_12_2.result import Evidence, FactorResult, worst
from method.editions.e2026_12_2.screening import normalise_party

FACTOR = "producer_eligibility"
_STATUS_WORDS = {
    "not_listed": "is not on",
    "suspended": "is suspended on",
    "removed": "has been removed from",
}
_PROCESSOR_KINDS = ("metal_smelter", "magnet_maker", "trader")


def list_label(approved: ApprovedListFacts) -> str:
    """How every reason names the list: a reported list says so."""
    confidence = "" if approved.confidence == "official" else f", {approved.confidence}"
    return f"{approved.label} (in force from {approved.effective_from}{confidence})"


def _list_evidence(approved: ApprovedListFacts) -> Evidence:
    label = f"Approved-producer list {list_label(approved)}"
    if approved.confidence != "official":
        label += ": compiled from public reports, not an official list - verify"
    return Evidence(
        "list_version",
        str(approved.version_id),
        label,
        instrument="MIIT approved list of rare earth mining and separation producers",
        layer="quota",
        window=f"in force from {approved.effective_from}",
        data_version=f"list version {approved.label}",
        confidence=approved.confidence,
    )


def short_group(name: str) -> str:
    """'China Northern Rare Earth (Group) High-Tech Co., Ltd.' -> 'China Northern Rare Earth'."""
    for cut in (" (", ",", " Co."):
        name = name.split(cut, 1)[0]
    return name.strip()


def source_heading(source: SourceFacts) -> str:
    """'NdPr: Baotou Huamei (China Northern Rare Earth), light, 2026'."""
    producer = source.producer
    group = short_group(producer.group_name) if producer and producer.group_name else ""
    plant = f"{source.plant} ({group})" if group else source.plant
    ore = source.ore_category.replace("_", "-") if source.ore_category else "ore not declared"
    year = f", {source.production_year}" if source.production_year else ""
    return f"{source.label}: {plant}, {ore}{year}"


def _evidence_words(source: SourceFacts) -> str:
    return joined([SOURCE_EVIDENCE_LABELS[kind] for kind in source.evidence])


def _judge_source(source: SourceFacts, ctx: Context) -> tuple[Severity, str, list[str]]:
    """(severity, sentence, next steps) for one upstream source."""
    heading = source_heading(source)
    problems: list[tuple[Severity, str]] = []
    steps: list[str] = []
    if not source.evidence:
        problems.append(("medium", "upstream source not evidenced"))
        steps.append(
            f"obtain a supplier declaration, invoice or certificate of origin for {source.label}"
        )
    if is_by_product(source, ctx.case):
        # Sc is recovered as a by-product (titanium, bauxite residue): outside the quota
        # system and the separation list (elements.yaml: quota category none).
        rule = "by-product outside the quota system and the separation list"
        parts = [rule] + [text for _, text in problems]
        return worst(*(s for s, _ in problems)), f"{heading}: " + "; ".join(parts), steps
    producer, approved = source.producer, ctx.inputs.approved_list
    if producer is not None and producer.kind and producer.kind not in UPSTREAM_KINDS:
        kind = producer.kind.replace("_", " ")
        problems.append(("medium", f"{producer.name} is a {kind}, not a separation plant or mine"))
        steps.append(
            f"record the separation plant that {producer.name} bought its {source.label} from"
        )
    elif approved is None:
        problems.append(("high", f"no approved-producer list is in force on {ctx.as_of}"))
    elif producer is None:
        problems.append(("high", f"{source.plant} is not in the registry, so not on the list"))
        steps.append("source from an approved producer or obtain proof of approval")
    elif source.list_status != "approved":
        note = f" ({source.list_note})" if source.list_note else ""
        problems.append(
            (
                "high",
                f"{_STATUS_WORDS[source.list_status]} the approved-producer list "
                f"{approved.label}{note}",
            )
        )
        steps.append("source from an approved producer or obtain proof of approval")
    if producer is not None and not producer.quota_holder_key and producer.kind in UPSTREAM_KINDS:
        problems.append(("high", "its group holds no quota"))
        steps.append("confirm which quota the material was produced under")
    elif producer is not None and producer.quota_holder_key:
        quota = ctx.inputs.quota_for(producer.quota_holder_key)
        if quota is not None and not cycle_used(quota, producer.quota_holder_key).holds_any:
            holder = short_group(producer.quota_holder_name or "") or producer.quota_holder_key
            problems.append(("high", f"its quota holder {holder} holds no allocation"))
            steps.append("confirm which quota the material was produced under")
    if not problems:
        evidenced = f"; evidenced by {_evidence_words(source)}"
        assert approved is not None  # no problem means the list was there
        return "none", f"{heading}: approved on {approved.label}{evidenced}", steps
    text = "; ".join(text for _, text in problems)
    return worst(*(s for s, _ in problems)), f"{heading}: {text}", steps


def _parties(ctx: Context) -> tuple[list[tuple[Severity, str]], list[str]]:
    """The exporter's own check: declared, identified, and the licence holder."""
    case = ctx.case
    findings: list[tuple[Severity, str]] = []
    steps: list[str] = []
    exporters = case.parties_in("exporter")
    if not exporters:
        findings.append(("medium", "No exporter declared"))
        steps.append("declare the exporter (name, country and USCC)")
        return findings, steps
    exporter = exporters[0]
    if exporter.country in ("CN", "") and not exporter.uscc:
        findings.append(("low", f"The exporter {exporter.name} has no USCC recorded"))
        steps.append("record the exporter's Unified Social Credit Code")
    holders = case.parties_in("licence_holder")
    if ctx.licence_required and holders:
        holder = holders[0]
        same = normalise_party(holder.name) == normalise_party(exporter.name) or (
            holder.uscc and holder.uscc == exporter.uscc
        )
        if not same:
            findings.append(
                (
                    "medium",
                    f"The {PARTY_ROLE_LABELS['licence_holder']} {holder.name} is not the "
                    f"exporter {exporter.name} - verify who files and ships",
                )
            )
            steps.append("confirm that the licence holder is the exporter of record")
    return findings, steps


def producer_eligibility(ctx: Context) -> FactorResult:
    case = ctx.case
    if not is_material(case):
        reason = f"Not applicable: {case.product_form} is not rare earth output."
        return FactorResult(FACTOR, "none", reason)
    severities: list[Severity] = []
    sentences: list[str] = []
    steps: list[str] = []
    party_findings, party_steps = _parties(ctx)
    for severity, sentence in party_findings:
        severities.append(severity)
        sentences.append(sentence + ".")
    steps.extend(party_steps)
    for source in case.sources:
        severity, sentence, source_steps = _judge_source(source, ctx)
        severities.append(severity)
        sentences.append(sentence + ".")
        steps.extend(source_steps)
    missing = unsourced(case)
    if missing:
        # Not declaring a source must never beat declaring one: with no list in force a
        # declared source is high, so an undeclared one is too.
        severities.append("medium" if ctx.inputs.approved_list is not None else "high")
        sentences.append(f"Upstream source not evidenced for {joined(missing)}.")
        steps.append(f"record the separation plant (or mine) for {joined(missing)}")
    evidence = [
        Evidence(
            "producer",
            str(s.producer.id),
            s.producer.name,
            matched=f"upstream source {s.label} ({', '.join(s.elements)}); list status "
            f"{s.list_status.replace('_', ' ')}",
            data_version=s.producer.quota_holder_name or s.producer.group_name,
            confidence="unverified"
            if s.producer.confidence in ("unconfirmed", "estimated")
            else s.producer.confidence,
        )
        for s in case.sources
        if s.producer is not None
    ]
    approved = ctx.inputs.approved_list
    if approved is not None and case.sources:
        evidence.append(_list_evidence(approved))
        if approved.confidence != "official":
            sentences.append(f"List used: {list_label(approved)}.")
    if not sentences:
        sentences.append("No rare earth input under the quota system needs an upstream source.")
    return FactorResult(
        FACTOR,
        worst(*severities),
        " ".join(sentences),
        tuple(dict.fromkeys(evidence)),
        tuple(dict.fromkeys(steps)),
    )

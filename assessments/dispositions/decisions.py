"""A person's decisions on dispositions: record one, approve, reject or revoke it.

A disposition is pending until a second officer approves it (never its author: the service
refuses and the database forbids it). Approving or revoking re-assesses the case at once, so
the decided band moves in the same transaction; rejecting changes nothing the method reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import APPROVE_DISPOSITION
from assessments.choices import DispositionKind, DispositionStatus, Trigger
from assessments.dispositions._common import event_data, timeline_event
from assessments.models import ACCEPTABLE_SEVERITIES, DISPOSITION_MAX_DAYS, Disposition
from assessments.ports import CaseEvent, case_events
from assessments.selectors.inputs import assessment_inputs_build
from assessments.services import assessment_run
from method.dispositions import factor_basis, hit_basis
from method.screening import screen_party
from registry.models import WatchListEntry
from shipments.models import Case, Document
from shipments.services.assessed import timeline_events_add

ADD_PERMISSION = "assessments.add_disposition"


def _tell(d: Disposition, event: str, actor, **extra) -> None:
    case_events(events=[CaseEvent(event, d.case_id, event_data(d, **extra), actor.pk)])


def _basis_for_hit(case: Case, entry: WatchListEntry, party_role: str) -> tuple[str, list]:
    inputs, _ = assessment_inputs_build(case)
    parties = inputs.case.parties_in(party_role)
    if not parties:
        raise ValidationError({"party_role": f"The case has no {party_role.replace('_', ' ')}."})
    candidates = {w.id: w for w in inputs.watch_candidates}
    facts = candidates.get(entry.pk)
    if facts is None:
        raise ValidationError(
            {"watch_entry": f"'{entry.name}' is not a screening hit of this case's parties."}
        )
    # The party the screening matched to the entry (the first of the role otherwise).
    matched = [
        p
        for p in parties
        if any(m.entry_id == entry.pk for m in screen_party(p, (facts,), inputs.settings))
    ]
    party = matched[0] if matched else parties[0]
    return party.name, [list(pair) for pair in hit_basis(facts, party)]


def _basis_for_factor(case: Case, factor: str) -> tuple[str, list]:
    latest = case.latest_assessment
    if latest is None:
        raise ValidationError({"factor": "The case has not been assessed yet."})
    found = next((f for f in latest.factors if f.get("factor") == factor), None)
    if found is None:
        raise ValidationError({"factor": f"Unknown factor {factor!r}."})
    severity = found.get("raw_severity") or found["severity"]
    if severity not in ACCEPTABLE_SEVERITIES:
        raise ValidationError(
            {"factor": f"A risk is accepted at medium or high; this factor is {severity}."}
        )
    inputs, _ = assessment_inputs_build(case)
    return severity, [list(pair) for pair in factor_basis(inputs.case, factor)]


@transaction.atomic
def disposition_create(
    *,
    case: Case,
    kind: str,
    actor,
    reason: str,
    expires_on: dt.date,
    watch_entry: WatchListEntry | None = None,
    party_role: str = "",
    factor: str = "",
    evidence: Iterable[Document] = (),
) -> Disposition:
    """Record a disposition, pending approval, with the fingerprint of what it rests on."""
    if not actor.has_perm(ADD_PERMISSION):
        raise PermissionDenied("Recording a disposition needs the compliance officer role.")
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "The expiry must be after today."})
    if expires_on > today + dt.timedelta(days=DISPOSITION_MAX_DAYS):
        raise ValidationError(
            {"expires_on": f"A disposition stands at most {DISPOSITION_MAX_DAYS} days."}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why."})
    d = Disposition(
        case=case, kind=kind, author=actor, reason=reason.strip(), expires_on=expires_on
    )
    if kind == DispositionKind.RISK_ACCEPTED:
        d.factor = factor
        d.accepted_severity, d.basis = _basis_for_factor(case, factor)
    elif kind in (DispositionKind.FALSE_POSITIVE, DispositionKind.CONFIRMED_MATCH):
        if watch_entry is None:
            raise ValidationError({"watch_entry": "Name the list entry the hit is on."})
        d.watch_entry, d.party_role = watch_entry, party_role
        d.party_name, d.basis = _basis_for_hit(case, watch_entry, party_role)
    else:
        raise ValidationError({"kind": f"Unknown kind {kind!r}."})
    d._history_user = actor
    d.full_clean()
    d.save()
    documents = list(evidence)
    if any(doc.case_id != case.pk for doc in documents):
        raise ValidationError({"evidence": "Evidence must be documents of this case."})
    d.evidence.set(documents)
    timeline_events_add(events=[timeline_event(d, actor, "recorded, pending approval")])
    _tell(d, "disposition.created", actor)
    return d


def _pending(disposition: Disposition) -> Disposition:
    d = Disposition.objects.select_for_update().get(pk=disposition.pk)
    if d.status != DispositionStatus.PENDING:
        raise ValidationError({"status": f"This disposition is {d.get_status_display().lower()}."})
    return d


def _approver(d: Disposition, actor) -> None:
    if not actor.has_perm(APPROVE_DISPOSITION):
        raise PermissionDenied("Approving a disposition needs the approve permission.")
    if actor.pk == d.author_id:
        raise ValidationError({"approver": "The author of a disposition cannot decide it."})


@transaction.atomic
def disposition_approve(*, disposition: Disposition, actor) -> Disposition:
    """Approve: it becomes an input of the method, and the case is re-assessed now."""
    d = _pending(disposition)
    _approver(d, actor)
    d.status, d.approver, d.decided_at = DispositionStatus.APPROVED, actor, timezone.now()
    d._history_user = actor
    d.full_clean()
    d.save()
    timeline_events_add(events=[timeline_event(d, actor, "approved")])
    _tell(d, "disposition.approved", actor)
    assessment_run(case=d.case, trigger=Trigger.DISPOSITION, actor=actor)
    return d


@transaction.atomic
def disposition_reject(*, disposition: Disposition, actor, reason: str) -> Disposition:
    d = _pending(disposition)
    _approver(d, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why it is rejected."})
    d.status, d.approver, d.decided_at = DispositionStatus.REJECTED, actor, timezone.now()
    d.status_reason = reason.strip()
    d._history_user = actor
    d.full_clean()
    d.save()
    timeline_events_add(events=[timeline_event(d, actor, f"rejected: {d.status_reason}")])
    _tell(d, "disposition.rejected", actor)
    return d


@transaction.atomic
def disposition_revoke(*, disposition: Disposition, actor, reason: str) -> Disposition:
    """Withdraw a pending or approved disposition; an approved one stops applying now."""
    d = Disposition.objects.select_for_update().get(pk=disposition.pk)
    if d.status not in (DispositionStatus.PENDING, DispositionStatus.APPROVED):
        raise ValidationError({"status": f"This disposition is {d.get_status_display().lower()}."})
    if not (actor.pk == d.author_id or actor.has_perm(APPROVE_DISPOSITION)):
        raise PermissionDenied("Only its author or an approver can revoke a disposition.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why it is revoked."})
    was_applied = d.status == DispositionStatus.APPROVED
    d.status, d.status_reason = DispositionStatus.REVOKED, reason.strip()
    d._history_user = actor
    d.full_clean()
    d.save()
    timeline_events_add(events=[timeline_event(d, actor, f"revoked: {d.status_reason}")])
    _tell(d, "disposition.revoked", actor)
    if was_applied:
        assessment_run(case=d.case, trigger=Trigger.DISPOSITION, actor=actor)
    return d

"""What the disposition writes share: the event data and the timeline entry."""

from __future__ import annotations

from typing import Any

from assessments.models import Disposition
from assessments.selectors.dispositions import person_name
from core.types import Actor
from shipments.choices import TimelineKind
from shipments.models import TimelineEvent


def event_data(d: Disposition, **extra: Any) -> dict:
    """The disposition as the listeners read it (assessments.ports.CaseEvent)."""
    return {
        "disposition_id": d.pk,
        "kind": d.kind,
        "status": d.status,
        "target": d.target,
        "author": person_name(d.author),
        "approver": person_name(d.approver) if d.approver_id else "",
        "expires_on": d.expires_on.isoformat(),
        "reason": d.reason,
        **extra,
    }


def timeline_event(d: Disposition, actor: Actor, what: str, **extra: Any) -> TimelineEvent:
    """'Disposition #3 (false positive: end user: X / Y) approved by Oscar' on the case."""
    summary = f"Disposition #{d.pk} ({d.get_kind_display().lower()}: {d.target}) {what}"
    return TimelineEvent(
        case_id=d.case_id,
        kind=TimelineKind.DISPOSITION,
        actor=actor,
        summary=summary[:500],
        data=event_data(d, **extra),
    )

"""E-mail for reopened and lapsed dispositions (issue 14): the case's owner, watchers,
approver and author each get one message per disposition and outcome, written in the
transaction that found it (the transactional outbox)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessments.ports import CaseEvent
from notifications.choices import MessageKind
from notifications.services.alerts import _outbox_queue
from notifications.services.rendering import _render, _valid_address, case_url
from shipments.models import Case

ALERTED = ("disposition.reopened", "disposition.lapsed")


def disposition_alerts_queue(*, events: list[CaseEvent]) -> int:
    wanted = [e for e in events if e.event in ALERTED and e.people]
    if not wanted:
        return 0
    users = get_user_model().objects.in_bulk({p for e in wanted for p in e.people})
    cases = Case.objects.in_bulk({e.case_id for e in wanted})
    written = 0
    for event in wanted:
        case = cases[event.case_id]
        outcome = event.event.split(".", 1)[1]
        for person in event.people:
            user = users.get(person)
            address = _valid_address(user) if user is not None and user.is_active else None
            if address is None:
                continue
            context = {
                "recipient": user,
                "case": case,
                "case_url": case_url(case),
                "outcome": outcome,
                "d": event.data,
            }
            body_text, body_html = _render("disposition_reopened", context)
            _, created = _outbox_queue(
                dedupe_key=f"disposition:{event.data['disposition_id']}:{outcome}:{person}",
                recipient=user,
                to_address=address,
                kind=MessageKind.ALERT,
                subject=(
                    f"[Lodestone] {case.reference}: disposition #{event.data['disposition_id']} "
                    f"{outcome}"
                )[:250],
                body_text=body_text,
                body_html=body_html,
                case=case,
            )
            written += bool(created)
    return written

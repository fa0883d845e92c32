"""E-mail for reopened and lapsed dispositions (issue 14): the case's owner, watchers,
approver and author each get one message per disposition and outcome, written in the
transaction that found it (the transactional outbox)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessments.ports import CaseEvent
from notifications.choices import MessageKind
from notifications.services._mail import case_mail_queue
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
        number = event.data["disposition_id"]
        for person in event.people:
            written += case_mail_queue(
                user=users.get(person),
                case=case,
                template="disposition_reopened",
                subject=f"[Lodestone] {case.reference}: disposition #{number} {outcome}",
                dedupe_key=f"disposition:{number}:{outcome}:{person}",
                kind=MessageKind.ALERT,
                outcome=outcome,
                d=event.data,
            )
    return written

"""E-mail for people named on a case (shipments.people_told port): mentioned in a comment, or
given the case. One message per person and timeline event, written in the caller's
transaction (the transactional outbox)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from notifications.choices import MessageKind
from notifications.services._mail import case_mail_queue
from shipments.models import Case, TimelineEvent

WHY = {"mentioned": "mentioned you on", "assigned": "gave you"}


def people_told_queue(*, why: str, case_id: int, event_id: int, people: list[int]) -> int:
    if why not in WHY:
        raise ValueError(f"unknown reason {why!r}")
    case = Case.objects.get(pk=case_id)
    event = TimelineEvent.objects.select_related("actor").get(pk=event_id)
    actor = event.actor
    by = (actor.get_full_name() or actor.get_username()) if actor else "Lodestone"
    written = 0
    for user in get_user_model().objects.filter(pk__in=people):
        written += case_mail_queue(
            user=user,
            case=case,
            template="case_told",
            subject=f"[Lodestone] {by} {WHY[why]} case {case.reference}",
            dedupe_key=f"told:{why}:{event_id}:{user.pk}",
            kind=MessageKind.MENTION,
            why=why,
            by=by,
            event=event,
        )
    return written

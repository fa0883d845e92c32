"""The assessments app's one call upwards (core/ports.py).

`band_worsened(worsened=[Worsened, ...])`: new snapshots whose band is worse than the one
before; write the alert rows for the people on the cases. Called inside the snapshots'
transaction (the transactional outbox: the rows commit, or roll back, with the snapshots).
Provided by notifications (`NotificationsConfig.ready`), which owns who hears about it, how
and when; sending is its own later step.
"""

from dataclasses import dataclass

from core.ports import Port


@dataclass(frozen=True)
class Worsened:
    """A snapshot whose band worsened: what the alert rows need, without loading it."""

    assessment_id: int
    case_id: int
    old_band: str
    new_band: str


band_worsened: Port[int] = Port(
    "assessments.band_worsened",
    provided_by="notifications",
    doc="Write the alert rows for snapshots whose band worsened (worsened=); returns rows.",
)


# What other systems hear about (webhooks) and what reopened dispositions tell people.
CASE_EVENTS = (
    "case.band_changed",  # data: old_band, new_band, raw_band, score, assessment_id, trigger
    "case.verdict_changed",  # data: old_verdict, new_verdict, verdict_text, assessment_id
    "disposition.created",  # data: the disposition (see below)
    "disposition.approved",
    "disposition.rejected",
    "disposition.revoked",
    "disposition.reopened",  # data also: why
    "disposition.lapsed",
)


@dataclass(frozen=True)
class CaseEvent:
    """One thing that happened to a case, for the listeners (webhooks, alerts).

    `data` is plain JSON. Disposition events carry: disposition_id, kind, status, target
    (factor or "role: party name / entry"), author, approver, expires_on, reason, and for
    disposition.reopened/lapsed `why`; `people` are the user ids to alert by e-mail
    (owner, watchers, approver) for reopened/lapsed."""

    event: str
    case_id: int
    data: dict
    actor_id: int | None = None
    people: tuple[int, ...] = ()


case_events: Port[int] = Port(
    "assessments.case_events",
    provided_by="notifications",
    doc="Record case events (events=[CaseEvent, ...]) for webhooks and alerts, inside the "
    "caller's transaction; returns the rows written.",
)

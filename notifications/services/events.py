"""Case events (assessments.case_events port): each event goes to its listeners, inside the
caller's transaction, so nothing is told about a change that rolled back.

- webhooks: one delivery row per active endpoint subscribed to the event (webhooks.py);
- people: a reopened or lapsed disposition e-mails the case's owner, watchers and approver
  (disposition_alerts.py).
"""

from __future__ import annotations

from assessments.ports import CaseEvent
from notifications.services.disposition_alerts import disposition_alerts_queue
from notifications.services.webhooks import webhook_deliveries_queue


def case_events_record(*, events: list[CaseEvent]) -> int:
    if not events:
        return 0
    return webhook_deliveries_queue(events=events) + disposition_alerts_queue(events=events)

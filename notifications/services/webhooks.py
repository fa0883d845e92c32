"""Outbound webhooks (issue 14): being built; see notifications/services/events.py."""

from __future__ import annotations

from assessments.ports import CaseEvent


def webhook_deliveries_queue(*, events: list[CaseEvent]) -> int:
    return 0

"""E-mail for reopened and lapsed dispositions (issue 14): being built."""

from __future__ import annotations

from assessments.ports import CaseEvent


def disposition_alerts_queue(*, events: list[CaseEvent]) -> int:
    return 0

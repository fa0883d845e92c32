"""What an assessment found about the approved dispositions, written back on them.

The method reports each disposition's outcome (`AssessmentResult.dispositions`); a
`reopened` or `lapsed` one moves from approved to that status with the method's reason,
by a conditional UPDATE (`status='approved'`), so however many re-scores race, exactly one
moves it, and only that one writes the timeline entry and tells the listeners (webhooks; an
e-mail to the case's owner, watchers, approver and author).
"""

from __future__ import annotations

from collections.abc import Sequence

from assessments.choices import DispositionStatus
from assessments.dispositions._common import event_data, timeline_event
from assessments.models import Assessment, Disposition
from assessments.ports import CaseEvent, case_events
from method.result import AssessmentResult, DispositionOutcome
from shipments.models import Case
from shipments.services.assessed import timeline_events_add

ENDED = {"reopened": DispositionStatus.REOPENED, "lapsed": DispositionStatus.LAPSED}


def dispositions_settle(*, pairs: Sequence[tuple[Assessment, AssessmentResult]]) -> int:
    """Move the dispositions the assessments found reopened or lapsed; call it in the
    snapshots' transaction, after they are stored. Returns how many this call moved (0 when
    another run moved them first)."""
    ended: list[tuple[Assessment, DispositionOutcome]] = [
        (a, outcome)
        for a, result in pairs
        for outcome in result.dispositions
        if outcome.outcome in ENDED
    ]
    moved: dict[int, tuple[Assessment, DispositionOutcome]] = {}
    for a, outcome in ended:
        updated = Disposition.objects.filter(
            pk=outcome.id, case_id=a.case_id, status=DispositionStatus.APPROVED
        ).update(status=ENDED[outcome.outcome], status_reason=outcome.why)
        if updated:
            moved[outcome.id] = (a, outcome)
    if not moved:
        return 0
    rows = list(
        Disposition.objects.filter(pk__in=list(moved))
        .select_related("author", "approver", "watch_entry")
        .order_by("pk")
    )
    Disposition.history.bulk_history_create(
        rows, update=True, default_change_reason="assessment: reopened or lapsed"
    )
    people = _people({d.case_id for d in rows})
    events, timeline = [], []
    for d in rows:
        a, outcome = moved[d.pk]
        extra = {"why": outcome.why, "assessment_id": a.pk}
        timeline.append(timeline_event(d, None, f"{outcome.outcome}: {outcome.why}", **extra))
        owner_and_watchers = people.get(d.case_id, [])
        recipients = _once([*owner_and_watchers, d.approver_id, d.author_id])
        events.append(
            CaseEvent(
                f"disposition.{outcome.outcome}",
                d.case_id,
                event_data(d, **extra),
                None,
                tuple(recipients),
            )
        )
    timeline_events_add(events=timeline)
    case_events(events=events)
    return len(rows)


def _people(case_ids: set[int]) -> dict[int, list[int]]:
    """Each case's owner, then its watchers (two queries)."""
    people: dict[int, list[int]] = {
        pk: [owner]
        for pk, owner in Case.objects.filter(pk__in=case_ids).values_list("pk", "owner_id")
    }
    for case_id, user_id in (
        Case.watchers.through.objects.filter(case_id__in=case_ids)
        .order_by("user_id")
        .values_list("case_id", "user_id")
    ):
        people.setdefault(case_id, []).append(user_id)
    return people


def _once(ids) -> list[int]:
    seen: set[int] = set()
    return [i for i in ids if i is not None and not (i in seen or seen.add(i))]

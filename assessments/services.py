"""Writes for assessments: running the method on a case, re-scoring in bulk, replaying.

Snapshots are immutable: a run only ever inserts an `Assessment` and moves the case's
denormalised `latest_assessment/band/score/assessed_at` (with a queryset update, so a
concurrent edit of the case's other fields is never overwritten).

Unchanged results. A re-score caused by a reference change or by the scheduled sweep whose
inputs hash (and method version) equals the latest snapshot's cannot produce a different
result, so no snapshot, timeline event or notification is written: the case counts as done
for the change (`ReferenceChange.done_count`), and "unchanged" is done_count minus the
change's snapshots. A reference change on a later day compares the outcome hash too (the
inputs without the dates, and the answer): a case whose answer the dates did not move writes
nothing. Runs on creation, edit or on demand always write a snapshot.

Storage. A snapshot row keeps the case's own inputs and the result; the reference data it
was judged against is a `ReferencePart`, stored once under its digest and shared
(assessments.snapshots).

Idempotency. `(case, reference_change)` is unique: a case already re-scored for a change is
skipped (get-or-skip), so processing a change twice adds nothing. Case rows are locked
(`SELECT ... FOR UPDATE`) while a run decides, so two runs never chain from the same
previous snapshot.

Alerts. When a band worsens, the alert rows (outbox messages, digest items) are written in
the same transaction as the snapshot (the notifications app's `band_worsened_queue`): a
worker that dies after a chunk committed cannot have lost its alerts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from assessments.choices import Trigger
from assessments.dispositions.settle import dispositions_settle
from assessments.models import Assessment, ReferencePart
from assessments.ports import CaseEvent, Worsened, band_worsened, case_events
from assessments.selectors import (
    ReferenceData,
    assessment_inputs_build_many,
    today_default,
)
from assessments.selectors.inputs import cases_for_assessment_list
from assessments.selectors.reference import StoredInputs
from assessments.snapshots import outcome_digest
from core.db import bulk_create_json
from core.types import Actor
from method import METHOD_VERSION, AssessmentInputs, assess, canonical_json
from method.choices import band_worsened as _band_worsened
from method.editions import edition_for
from method.result import AssessmentResult
from registry.models import ReferenceChange
from shipments.choices import ACTIVE_STATUSES, Band, TimelineKind
from shipments.models import Case, CaseSource, TimelineEvent
from shipments.services.assessed import (
    LatestAssessment,
    cases_latest_assessment_set,
    timeline_events_add,
)

logger = logging.getLogger(__name__)

# Triggers that may leave a case without a new snapshot when nothing changed.
SKIP_UNCHANGED = (Trigger.REFERENCE_CHANGE, Trigger.SCHEDULED)


def _label(band: str | None) -> str:
    return Band(band).label if band else ""


def _why(trigger: str, reference_change: ReferenceChange | None) -> str:
    if reference_change is not None:
        return f"reference change #{reference_change.pk}: {reference_change.summary}"
    return Trigger(trigger).label.lower()


def _summary(new: str, old: str | None, trigger: str, change: ReferenceChange | None) -> str:
    was = f" (was {_label(old)})" if old and old != new else ""
    return f"Assessed: {_label(new)}{was} - {_why(trigger, change)}"[:500]


def _alerts_queue(worsened: list[tuple[Assessment, str]]) -> None:
    """Write the alert rows for worsened snapshots in the caller's (the snapshots')
    transaction: the transactional outbox. The notifications app owns who hears of it
    (the assessments.band_worsened port)."""
    band_worsened(
        worsened=[
            Worsened(assessment_id=a.pk, case_id=a.case_id, old_band=old, new_band=a.band)
            for a, old in worsened
        ]
    )


def _worsened(old: str | None, new: str) -> bool:
    return _band_worsened(old, new)


@dataclass
class _Latest:
    id: int
    band: str
    score: int
    inputs_hash: str
    method_version: str
    verdict: str | None = None  # None for snapshots made before the verdict (2026.12-3)
    outcome_hash: str = ""  # '' for snapshots made before lean storage (2026.12-4)


def _latest_rows(cases: Iterable[Case]) -> dict[int, _Latest]:
    ids = [c.latest_assessment_id for c in cases if c.latest_assessment_id]
    rows = Assessment.objects.filter(pk__in=ids).values_list(
        "pk",
        "case_id",
        "band",
        "score",
        "inputs_hash",
        "method_version",
        "versions__verdict",
        "outcome_hash",
    )
    return {
        case_id: _Latest(pk, b, s, h, v, verdict, outcome)
        for pk, case_id, b, s, h, v, verdict, outcome in rows
    }


@dataclass(frozen=True)
class _Run:
    """One case's run: its inputs as stored, the result and the result's plain data."""

    stored: StoredInputs
    result: AssessmentResult
    data: dict
    outcome_hash: str


def _run(inputs: AssessmentInputs, reference: ReferenceData) -> _Run:
    # Encode the inputs once: the stored parts and the hash come from the same dicts.
    stored = reference.stored_inputs(inputs)
    result = assess(inputs, inputs_hash=stored.inputs_hash)
    data = result.to_dict()
    answer = canonical_json({k: v for k, v in data.items() if k != "inputs_hash"})
    outcome = outcome_digest(stored.row, stored.part_digest, result.method_version, answer)
    return _Run(stored, result, data, outcome)


def _parts_ids(runs: Sequence[_Run]) -> dict[str, int]:
    """The ReferencePart id of each run's reference part, inserting the parts not stored yet
    (sorted, so that two workers inserting the same parts never wait on each other in a
    cycle; a part another transaction inserts first is kept, not duplicated)."""
    wanted = {run.stored.part_digest: run.stored.part for run in runs}
    ReferencePart.objects.bulk_create(
        [ReferencePart(digest=key, data=wanted[key]) for key in sorted(wanted)],
        ignore_conflicts=True,
    )
    return dict(ReferencePart.objects.filter(digest__in=list(wanted)).values_list("digest", "pk"))


def _snapshot(
    *,
    case: Case,
    inputs: AssessmentInputs,
    versions: dict,
    run: _Run,
    trigger: str,
    actor,
    reference_change: ReferenceChange | None,
    previous: _Latest | None,
) -> Assessment:
    result, data = run.result, run.data
    return Assessment(
        case=case,
        as_of=inputs.as_of,
        band=result.band,
        score=result.score,
        method_version=result.method_version,
        trigger=trigger,
        actor=actor,
        reference_change=reference_change,
        previous_id=previous.id if previous else None,
        factors=data["factors"],
        versions={
            **versions,
            "summary": data["summary"],
            "licence_required": data["licence_required"],
            "decision_due": data["decision_due"],
            "decision_due_latest": data["decision_due_latest"],
            "caveats": data["caveats"],
            "raw_band": data["raw_band"],
            "raw_score": data["raw_score"],
            "verdict": data["verdict"],
            "verdict_text": data["verdict_text"],
            "next_steps": data["next_steps"],
            "dispositions": data["dispositions"],
        },
        inputs=run.stored.row,
        inputs_hash=result.inputs_hash,
        outcome_hash=run.outcome_hash,
    )


def _unchanged(trigger: str, previous: _Latest | None, run: _Run) -> bool:
    """Nothing to write: the same inputs and answer as the latest snapshot; or, for a
    reference change, the same case judged against the same reference data with the same
    answer on a later day (the dates did not matter). The sweep re-scores exactly the cases
    a passing date may have moved, and its snapshot records the day it judged."""
    if trigger not in SKIP_UNCHANGED or previous is None:
        return False
    result = run.result
    if previous.method_version != result.method_version:
        return False
    if (
        previous.inputs_hash == result.inputs_hash
        and previous.band == result.band
        and previous.score == result.score
    ):
        return True
    return (
        trigger == Trigger.REFERENCE_CHANGE
        and bool(previous.outcome_hash)
        and previous.outcome_hash == run.outcome_hash
    )


def _timeline(a: Assessment, old: str | None) -> TimelineEvent:
    return TimelineEvent(
        case_id=a.case_id,
        kind=TimelineKind.ASSESSED,
        actor=a.actor,
        summary=_summary(a.band, old, a.trigger, a.reference_change),
        data={
            "assessment_id": a.pk,
            "old_band": old or None,
            "new_band": a.band,
            "score": a.score,
            "trigger": a.trigger,
            "reference_change_id": a.reference_change_id,
        },
    )


def _change_events(
    snapshots: list[Assessment], results: list[AssessmentResult], previous: list[_Latest | None]
) -> list[CaseEvent]:
    """case.band_changed and case.verdict_changed for the listeners (webhooks), written in
    the snapshots' transaction. A first assessment, or the first with a verdict, changes
    nothing."""
    events: list[CaseEvent] = []
    for a, result, before in zip(snapshots, results, previous, strict=True):
        if before is None:
            continue
        common = {
            "assessment_id": a.pk,
            "trigger": a.trigger,
            "reference_change_id": a.reference_change_id,
            "band": result.band,
            "raw_band": result.raw_band,
            "score": result.score,
        }
        actor = a.actor_id
        if before.band != result.band:
            data = {**common, "old_band": before.band, "new_band": result.band}
            events.append(CaseEvent("case.band_changed", a.case_id, data, actor))
        if before.verdict is not None and before.verdict != result.verdict:
            data = {
                **common,
                "old_verdict": before.verdict,
                "new_verdict": result.verdict,
                "verdict_text": result.verdict_text,
            }
            events.append(CaseEvent("case.verdict_changed", a.case_id, data, actor))
    return events


@dataclass
class RescoreStats:
    processed: int = 0  # cases looked at (active, found)
    created: int = 0  # new snapshots
    unchanged: int = 0  # same inputs as the latest snapshot: nothing written
    already_done: int = 0  # already re-scored for this reference change
    band_changed: int = 0
    worsened: int = 0
    assessment_ids: list[int] = field(default_factory=list)


def assessments_rescore_batch(
    *,
    case_ids: Sequence[int],
    trigger: str,
    reference_change: ReferenceChange | None = None,
    today: dt.date | None = None,
    reference: ReferenceData | None = None,
    actor: Actor = None,
    active_only: bool = True,
) -> RescoreStats:
    """Re-assess many cases in one transaction with bulk writes: the one assessment run
    (`assessment_run` is a batch of one).

    Closed cases are skipped unless `active_only` is off (they keep their last assessment
    when a reference change or the sweep passes). Queries per call are
    constant: lock + load cases, latest snapshots, reference data (unless `reference` is
    passed), one bulk insert each for snapshots and timeline events, one bulk update.
    """
    Trigger(trigger)
    today = today_default(today)
    stats = RescoreStats()
    if not case_ids:
        return stats
    with transaction.atomic():
        candidates = Case.objects.select_for_update().filter(pk__in=list(case_ids))
        if active_only:
            candidates = candidates.filter(status__in=ACTIVE_STATUSES)
        locked = list(candidates.order_by("pk").values_list("pk", flat=True))
        if reference_change is not None:
            done = set(
                Assessment.objects.filter(
                    reference_change=reference_change, case_id__in=locked
                ).values_list("case_id", flat=True)
            )
            stats.already_done = len(done)
            locked = [pk for pk in locked if pk not in done]
        cases = cases_for_assessment_list(locked)
        stats.processed = len(cases) + stats.already_done
        latest = _latest_rows(cases)
        reference = reference or ReferenceData.load()
        built = assessment_inputs_build_many(cases, today, reference=reference)
        snapshots: list[Assessment] = []
        runs: list[_Run] = []
        olds: list[str | None] = []
        previous_rows: list[_Latest | None] = []
        for case, (inputs, versions) in zip(cases, built, strict=True):
            run = _run(inputs, reference)
            previous = latest.get(case.pk)
            if _unchanged(trigger, previous, run):
                stats.unchanged += 1
                continue
            snapshots.append(
                _snapshot(
                    case=case,
                    inputs=inputs,
                    versions=versions,
                    run=run,
                    trigger=trigger,
                    actor=actor,
                    reference_change=reference_change,
                    previous=previous,
                )
            )
            runs.append(run)
            olds.append(previous.band if previous else None)
            previous_rows.append(previous)
        if not snapshots:
            return stats
        part_ids = _parts_ids(runs)
        for a, run in zip(snapshots, runs, strict=True):
            a.reference_part_id = part_ids[run.stored.part_digest]
        results = [run.result for run in runs]
        bulk_create_json(Assessment, snapshots, ("factors", "versions", "inputs"))
        cases_latest_assessment_set(
            rows=[
                LatestAssessment(
                    a.case_id,
                    a.pk,
                    a.band,
                    a.score,
                    a.created_at or timezone.now(),
                    r.raw_band,
                    r.verdict,
                    r.verdict_text,
                )
                for a, r in zip(snapshots, results, strict=True)
            ]
        )
        timeline_events_add(
            events=[_timeline(a, old) for a, old in zip(snapshots, olds, strict=True)]
        )
        worsened = [
            (a, old) for a, old in zip(snapshots, olds, strict=True) if _worsened(old, a.band)
        ]
        stats.created = len(snapshots)
        stats.band_changed = sum(
            1 for a, old in zip(snapshots, olds, strict=True) if old and old != a.band
        )
        stats.worsened = len(worsened)
        stats.assessment_ids = [a.pk for a in snapshots]
        if worsened:
            _alerts_queue(worsened)
        # What the method found about the dispositions (reopened, lapsed), written back.
        dispositions_settle(pairs=list(zip(snapshots, results, strict=True)))
        events = _change_events(snapshots, results, previous_rows)
        if events:
            case_events(events=events)
    return stats


def assessment_run(
    *,
    case: Case,
    trigger: str,
    actor: Actor = None,
    reference_change: ReferenceChange | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Assess one case now, store the snapshot and move the case to it: a batch of one
    (`assessments_rescore_batch`), closed cases included.

    Returns the new snapshot; for a reference-change/scheduled run whose result cannot have
    changed (same inputs hash) or a change already applied to this case, returns the
    existing snapshot instead. Call it inside the caller's transaction (case create/edit).
    """
    with transaction.atomic():
        producer_ids = list(
            CaseSource.objects.filter(case_id=case.pk, producer__isnull=False).values_list(
                "producer_id", flat=True
            )
        )
        stats = assessments_rescore_batch(
            case_ids=[case.pk],
            trigger=trigger,
            actor=actor,
            reference_change=reference_change,
            today=today,
            # One case needs the list entries of its own upstream plants only.
            reference=ReferenceData.load(producer_ids=producer_ids),
            active_only=False,
        )
        if stats.assessment_ids:
            a = Assessment.objects.get(pk=stats.assessment_ids[0])
        elif reference_change is not None and stats.already_done:
            a = Assessment.objects.get(case_id=case.pk, reference_change=reference_change)
        else:
            latest = Case.objects.values_list("latest_assessment_id", flat=True).get(pk=case.pk)
            a = Assessment.objects.get(pk=latest)
    # Keep the caller's object in step with the row.
    case.latest_assessment, case.band, case.score = a, a.band, a.score
    case.assessed_at = a.created_at
    return a


REPLAYED_VERSION_KEYS = (
    "raw_band",
    "raw_score",
    "verdict",
    "verdict_text",
    "next_steps",
    "dispositions",
)


@dataclass(frozen=True)
class ReplayResult:
    assessment_id: int
    matches: bool
    stored_band: str
    stored_score: int
    replayed_band: str
    replayed_score: int
    hash_ok: bool  # the stored inputs still hash to the stored inputs_hash
    # every factor's severity, reason, evidence and steps are the same, and so are the
    # verdict, merged next steps, raw band and disposition outcomes where stored
    factors_ok: bool
    stored_method_version: str
    method_version: str = METHOD_VERSION
    error: str = ""


def assessment_replay(*, assessment: Assessment) -> ReplayResult:
    """Re-run the method edition that made a snapshot on its stored inputs and compare."""
    inputs_class, edition_assess = edition_for(assessment.method_version)
    try:
        inputs = inputs_class.from_dict(assessment.full_inputs)
        result = edition_assess(inputs)
    except (ValueError, TypeError, KeyError) as e:
        return ReplayResult(
            assessment_id=assessment.pk,
            matches=False,
            stored_band=assessment.band,
            stored_score=assessment.score,
            replayed_band="",
            replayed_score=0,
            hash_ok=False,
            factors_ok=False,
            stored_method_version=assessment.method_version,
            error=f"{type(e).__name__}: {e}",
        )
    hash_ok = inputs.inputs_hash() == assessment.inputs_hash
    data = result.to_dict()
    # The verdict, next steps, raw band and disposition outcomes (2026.12-3 on) replay too.
    decided_keys = [key for key in REPLAYED_VERSION_KEYS if key in assessment.versions]
    factors_ok = data["factors"] == assessment.factors and all(
        data[key] == assessment.versions[key] for key in decided_keys
    )
    return ReplayResult(
        assessment_id=assessment.pk,
        matches=hash_ok
        and factors_ok
        and result.band == assessment.band
        and result.score == assessment.score,
        stored_band=assessment.band,
        stored_score=assessment.score,
        replayed_band=result.band,
        replayed_score=result.score,
        hash_ok=hash_ok,
        factors_ok=factors_ok,
        stored_method_version=assessment.method_version,
        method_version=result.method_version,
    )

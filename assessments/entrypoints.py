"""What assessments provides to the layers below it, through their ports (core/ports.py).

- `registry.ports.rescore_requested` -> `rescore_enqueue`: enqueue the re-score task of a
  committed reference change. A dead broker is logged, not raised: the change stays pending
  and the periodic check re-enqueues it.
- `shipments.ports.case_assess` -> `case_assess`: assess a case created or edited, when the
  edit changed something the method reads (`CASE_FIELDS_READ`, derived from the inputs).

- `shipments.ports.cases_assess` -> `cases_assess`: assess cases created in bulk (an import),
  with `shipments.ports.reference_load` -> `reference_load` loading the reference data once
  for all of an import's chunks.

Wired by `AssessmentsConfig.ready()`; nothing else in the lower layers calls assessments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assessments.models import Assessment
from assessments.selectors.case_rows import CASE_FIELDS_READ
from assessments.selectors.reference import ReferenceData
from core.broker import task_publish
from core.types import Actor
from shipments.models import Case


def rescore_enqueue(*, change_id: int) -> None:
    from assessments.tasks import reference_change_rescore

    # Once, bounded (core.broker); the minute check (rescore_watchdog) catches up.
    task_publish(reference_change_rescore, change_id)


def case_assess(
    *, case: Case, trigger: str, actor: Actor = None, changed: Iterable[str] | None = None
) -> Assessment | None:
    """Assess `case` unless `changed` names only fields the method does not read."""
    from assessments.services import assessment_run

    if changed is not None and not CASE_FIELDS_READ.intersection(changed):
        return None
    return assessment_run(case=case, trigger=trigger, actor=actor)


def cases_assess(
    *,
    case_ids: Sequence[int],
    trigger: str,
    actor: Actor = None,
    reference: ReferenceData | None = None,
) -> None:
    from assessments.services import assessments_rescore_batch

    assessments_rescore_batch(case_ids=case_ids, trigger=trigger, actor=actor, reference=reference)


def reference_load():
    from assessments.selectors import ReferenceData

    return ReferenceData.load()

"""What assessments provides to the layers below it, through their ports (core/ports.py).

- `registry.ports.rescore_requested` -> `rescore_enqueue`: enqueue the re-score task of a
  committed reference change. A dead broker is logged, not raised: the change stays pending
  and the periodic check re-enqueues it.
- `shipments.ports.case_assess` -> `case_assess`: assess a case created or edited, when the
  edit changed something the method reads (`CASE_FIELDS_READ`, derived from the inputs).

Wired by `AssessmentsConfig.ready()`; nothing else in the lower layers calls assessments.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from assessments.models import Assessment
from assessments.selectors.case_rows import CASE_FIELDS_READ

logger = logging.getLogger(__name__)

# Exceptions that mean "the broker is not there".
try:
    from kombu.exceptions import OperationalError as KombuOperationalError
except ImportError:  # pragma: no cover - kombu comes with celery
    KombuOperationalError = ConnectionError  # type: ignore[misc,assignment]
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover
    RedisConnectionError = RedisTimeoutError = ConnectionError  # type: ignore[misc,assignment]

BROKER_DOWN_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)


def rescore_enqueue(*, change_id: int) -> None:
    from assessments.tasks import reference_change_rescore

    try:
        reference_change_rescore.delay(change_id)
    except BROKER_DOWN_ERRORS:
        logger.warning(
            "Broker unavailable: reference change %s stays pending for the periodic check",
            change_id,
            exc_info=True,
        )


def case_assess(
    *, case, trigger: str, actor=None, changed: Iterable[str] | None = None
) -> Assessment | None:
    """Assess `case` unless `changed` names only fields the method does not read."""
    from assessments.services import assessment_run

    if changed is not None and not CASE_FIELDS_READ.intersection(changed):
        return None
    return assessment_run(case=case, trigger=trigger, actor=actor)

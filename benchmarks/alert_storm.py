"""Re-score speed when every band worsens (issue 10, point 5): cases/s with alerts.

Builds N open cases on one producer (owned by a few officers, immediate alerts), then
publishes an approved list that removes that producer and re-scores the change in process,
as the worker does. Run on a scratch database only (it adds cases):

    DATABASE_URL=postgres://.../lodestone_bench python manage.py shell -c \
        "from benchmarks.alert_storm import run; run(1000)"
"""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

from django.contrib.auth import get_user_model


def run(n: int = 1000, *, owners: int = 5) -> dict:
    from assessments.choices import Trigger
    from assessments.models import Assessment
    from assessments.services import assessments_rescore_batch
    from assessments.tasks import rescore_change
    from notifications.models import OutboxMessage
    from registry.models import ApprovedListVersion
    from registry.services import approved_list_publish
    from tests.assessments.factories import case_create, world_create

    w = world_create()
    users = [
        get_user_model().objects.create_user(
            username=f"storm{i}-{time.monotonic_ns()}", email=f"storm{i}@example.test"
        )
        for i in range(owners)
    ]
    cases = [
        case_create(users[i % owners], producer=w.creg_plant, ship=dt.date(2026, 3, 1))
        for i in range(n)
    ]
    assessments_rescore_batch(case_ids=[c.pk for c in cases], trigger=Trigger.CREATED)
    version = ApprovedListVersion.objects.create(
        label=f"storm {time.time()}", effective_from=dt.date(2026, 1, 1)
    )
    version.entries.create(producer=w.northern_plant, status="approved")
    version.entries.create(producer=w.creg_plant, status="removed")
    # Re-score here, timed, rather than through the on-commit enqueue.
    with mock.patch("registry.services.changes.enqueue_rescore"):
        change = approved_list_publish(version=version)
    alerts_before = OutboxMessage.objects.count()
    started = time.perf_counter()
    # As on a worker, minus the broker: publishing a task costs nothing here.
    with mock.patch("celery.app.task.Task.apply_async"):
        done = rescore_change(change, today=dt.date(2026, 1, 15))
    seconds = time.perf_counter() - started
    worsened = Assessment.objects.filter(reference_change=change).count()
    alerts = OutboxMessage.objects.count() - alerts_before
    result = {
        "cases": done.affected_count,
        "worsened": worsened,
        "alert_rows": alerts,
        "seconds": round(seconds, 2),
        "cases_per_s": round(done.affected_count / seconds, 1),
    }
    print(result)  # noqa: T201 - a script's output
    return result

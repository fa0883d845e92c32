"""What an assessment writes on the case side: the case's latest snapshot, band and score,
and its "assessed" timeline entries. Called by assessments (a downward call); the shipments
app owns these tables, so the SQL that writes them lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection

from core.db import bulk_create_json
from shipments.models import Case, TimelineEvent


class LatestAssessment(NamedTuple):
    case_id: int
    assessment_id: int
    band: str
    score: int
    assessed_at: dt.datetime
    raw_band: str = ""
    verdict: str = ""
    verdict_text: str = ""


def cases_latest_assessment_set(*, rows: Sequence[LatestAssessment]) -> None:
    """Move each case to its new snapshot in one UPDATE ... FROM (VALUES ...).

    Django's bulk_update builds a CASE per column with one branch per row, which
    PostgreSQL evaluates row by row (quadratic in the chunk size); a VALUES join is linear.
    A queryset update (never `save()`), so a concurrent edit of the case's other fields is
    never overwritten.
    """
    table = Case._meta.db_table
    for start in range(0, len(rows), 1000):
        part = rows[start : start + 1000]
        if connection.vendor != "postgresql":
            for row in part:
                Case.objects.filter(pk=row.case_id).update(
                    latest_assessment_id=row.assessment_id,
                    band=row.band,
                    score=row.score,
                    assessed_at=row.assessed_at,
                    raw_band=row.raw_band,
                    verdict=row.verdict,
                    verdict_text=row.verdict_text,
                )
            continue
        values = ", ".join(["(%s, %s, %s, %s, %s::timestamptz, %s, %s, %s)"] * len(part))
        params = [v for row in part for v in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET latest_assessment_id = v.aid, band = v.band, "  # noqa: S608 - table name from model meta, values parametrised
                "score = v.score, assessed_at = v.at, raw_band = v.raw, verdict = v.verdict, "
                f"verdict_text = v.vtext FROM (VALUES {values}) "
                "AS v(cid, aid, band, score, at, raw, verdict, vtext) WHERE c.id = v.cid",
                params,
            )


def timeline_events_add(*, events: list[TimelineEvent]) -> None:
    """Insert timeline entries in bulk (their `data` as JSON, quickly)."""
    bulk_create_json(TimelineEvent, events, ("data",))

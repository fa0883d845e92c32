"""Impact preview: what a proposed reference write would do, before it is made (issue 15).

The write runs for real, through the same registry service a publish uses, inside a
transaction that is then rolled back: the reference changes it records, the cases they
reach (`cases_affected_by`, as the re-score will) and the method's result on the proposed
data are all exactly what publishing would produce, and nothing is kept (no row, no
re-score: on-commit hooks of a rolled-back transaction never run, and the admin's messages
are discarded by the caller).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import transaction

from assessments.selectors import cases_affected_by
from assessments.selectors.case_rows import cases_for_assessment_list
from assessments.selectors.inputs import assessment_inputs_build_many, today_default
from assessments.selectors.reference import ReferenceData
from method import assess
from method.choices import BAND_RANK
from registry.ports import Impact, ImpactRow
from registry.services import changes_recorded
from shipments.models import Case

CHUNK = 500


class _RollBack(Exception):
    """Raised inside the preview's transaction to undo the proposed write."""


def _rows(ids: Sequence[int], today: dt.date) -> list[ImpactRow]:
    reference = ReferenceData.load()  # inside the transaction: the proposed data
    rows: list[ImpactRow] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        now = {
            pk: (ref, band, verdict)
            for pk, ref, band, verdict in Case.objects.filter(pk__in=chunk).values_list(
                "pk", "reference", "band", "verdict"
            )
        }
        cases = cases_for_assessment_list(chunk)
        built = assessment_inputs_build_many(cases, today, reference=reference)
        for case, (inputs, _versions) in zip(cases, built, strict=True):
            result = assess(inputs)
            reference_no, band, verdict = now[case.pk]
            if result.band == band and (not verdict or result.verdict == verdict):
                continue
            rows.append(
                ImpactRow(
                    case.pk,
                    reference_no,
                    band,
                    result.band,
                    verdict,
                    result.verdict,
                    result.verdict_text,
                    result.factors[0].reason,
                )
            )
    rows.sort(key=lambda r: (-BAND_RANK.get(r.new_band, 0), r.reference))
    return rows


def impact_preview(*, apply: Callable[[], object], today: dt.date | None = None) -> Impact:
    """Run `apply()` and roll it back; return what it would do to the open cases.

    A validation error from `apply()` propagates (the caller shows it), and nothing is kept.
    """
    today = today_default(today)
    impact: Impact | None = None
    try:
        with transaction.atomic():
            with changes_recorded() as changes:
                apply()
            ids: set[int] = set()
            for change in changes:
                ids.update(cases_affected_by(change, today=today).values_list("pk", flat=True))
            impact = Impact(
                today=today,
                changes=tuple((c.get_kind_display(), c.summary) for c in changes),
                affected=len(ids),
                rows=tuple(_rows(sorted(ids), today)),
            )
            raise _RollBack
    except _RollBack:
        pass
    assert impact is not None
    return impact

"""Which open cases each measure touches: the method's own applicability, per measure.

A measure touches an open case when the method's `measure_status` finds it in force for the
case on the case's as-of date (`case_as_of`): its scope matches the product (elements and
forms, or an HS code prefix: `applicability.scope_matches`) and the date lies in its
window. Whether a suspension covers that date is counted apart. Scope reads only the HS
code, the element symbols and the form (as `ReferenceData.build` caches it), so cases are
grouped by those and their as-of date and each group is judged once per measure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch

from assessments.selectors.case_rows import WORKING_STATUSES, case_as_of
from assessments.selectors.inputs import today_default
from assessments.selectors.reference import measure_facts_build, measures_for_facts
from method import applicability
from method.inputs import CaseFacts, ElementFacts, MeasureFacts
from shipments.models import Case, CaseElement


@dataclass(frozen=True)
class MeasureCases:
    """Open cases (open or on hold, as the register counts them) a measure touches."""

    measure_id: int
    in_scope: int  # the product is in scope, whatever the date
    in_force: int  # in scope and the measure in force on the case's as-of date
    suspended: int  # of those, a suspension covers that date
    suspends: int = 0  # cases of other measures suspended on their date by this measure
    case_ids: frozenset[int] = field(default_factory=frozenset, repr=False)

    @property
    def applies(self) -> int:
        return self.in_force - self.suspended


def _scope_facts(hs_code: str, form: str, end_use: str, elements) -> CaseFacts:
    """The parts of a case's facts that scope reads; nothing else is judged here."""
    return CaseFacts(
        reference="",
        elements=elements,
        product_form=form,
        end_use=end_use,
        hs_code=hs_code,
    )


def measure_open_cases(today: dt.date | None = None) -> dict[int, MeasureCases]:
    """Per measure id: the open cases it touches, in scope and on their date."""
    today = today_default(today)
    measures: list[MeasureFacts] = [measure_facts_build(m) for m in measures_for_facts()]
    cases = (
        Case.objects.filter(status__in=WORKING_STATUSES)
        .only("pk", "hs_code", "product_form", "end_use", "planned_ship_date", "status")
        .prefetch_related(
            Prefetch("case_elements", queryset=CaseElement.objects.select_related("element"))
        )
        .order_by("pk")
    )
    # (hs code, form, end use, element symbols, as-of date) -> the case ids sharing them.
    groups: dict[tuple, list[int]] = {}
    facts_of: dict[tuple, CaseFacts] = {}
    for case in cases:
        elements = tuple(
            ElementFacts(
                symbol=ce.element.symbol,
                quota_category=ce.element.quota_category,
                family=ce.element.family,
            )
            for ce in sorted(case.case_elements.all(), key=lambda ce: ce.element.atomic_number)
        )
        key = (
            case.hs_code,
            case.product_form,
            case.end_use,
            tuple(e.symbol for e in elements),
            case_as_of(case, today),
        )
        groups.setdefault(key, []).append(case.pk)
        if key not in facts_of:
            facts_of[key] = _scope_facts(case.hs_code, case.product_form, case.end_use, elements)

    by_key = {m.key: m.id for m in measures}
    suspends: Counter[int] = Counter()
    result = {}
    for measure in measures:
        in_scope = in_force = suspended = 0
        ids: set[int] = set()
        for key, case_ids in groups.items():
            facts, as_of = facts_of[key], key[-1]
            if not applicability.scope_matches(measure, facts):
                continue
            in_scope += len(case_ids)
            status = applicability.measure_status(measure, facts, as_of)
            if not status.in_force:
                continue
            in_force += len(case_ids)
            ids.update(case_ids)
            if status.suspended_by is not None:
                suspended += len(case_ids)
                by = by_key.get(status.suspended_by.by_key)
                if by is not None:
                    suspends[by] += len(case_ids)
        result[measure.id] = MeasureCases(
            measure_id=measure.id,
            in_scope=in_scope,
            in_force=in_force,
            suspended=suspended,
            case_ids=frozenset(ids),
        )
    for measure_id, n in suspends.items():
        result[measure_id] = replace(result[measure_id], suspends=n)
    return result

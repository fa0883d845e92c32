"""Which measures apply to a case on its as-of date.

A measure applies when its scope matches the product, the date lies in
[effective_from, effective_to) and outside every suspension window [starts_on, ends_on).
Scope: elements AND forms when both are given (either alone when only one is), or an HS
code match; a measure without any element, form or HS scope (a framework law such as the
Export Control Law, or No. 61 whose reach is described only in prose) never applies alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from method.editions.e2026_12_2.inputs import CaseFacts, MeasureFacts, SuspensionFacts

_NOT_LICENSABLE_LAYERS = ("suspension",)


@dataclass(frozen=True, slots=True)
class MeasureStatus:
    measure: MeasureFacts
    in_force: bool  # scope matches and as_of in the effective window
    suspended_by: SuspensionFacts | None  # the suspension covering as_of, if any
    lapsed: SuspensionFacts | None  # the latest suspension that ended on/before as_of

    @property
    def applies(self) -> bool:
        return self.in_force and self.suspended_by is None

    def has_layer(self, layer: str) -> bool:
        return layer in self.measure.layers

    @property
    def requires_licence(self) -> bool:
        return (
            self.applies
            and self.has_layer("licence")
            and not any(self.has_layer(layer) for layer in _NOT_LICENSABLE_LAYERS)
        )


@lru_cache(maxsize=4096)
def _digits(code: str) -> str:  # called per case x measure in a re-score
    return "".join(char for char in code if char.isdigit())


def hs_matches(case_code: str, measure_codes: tuple[str, ...]) -> bool:
    """A case code falls under a measure line when it starts with that line's digits."""
    code = _digits(case_code)
    if not code:
        return False
    return any(_digits(line) and code.startswith(_digits(line)) for line in measure_codes)


def scope_matches(measure: MeasureFacts, case: CaseFacts) -> bool:
    if hs_matches(case.hs_code, measure.hs_codes):
        return True
    if not measure.elements and not measure.forms:
        return False
    symbols = {element.symbol for element in case.elements}
    element_ok = not measure.elements or bool(symbols & set(measure.elements))
    form_ok = not measure.forms or case.product_form in measure.forms
    return element_ok and form_ok


def _in_window(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or day < end)


def measure_status(measure: MeasureFacts, case: CaseFacts, as_of: dt.date) -> MeasureStatus:
    in_force = scope_matches(measure, case) and _in_window(
        as_of, measure.effective_from, measure.effective_to
    )
    covering = [s for s in measure.suspensions if _in_window(as_of, s.starts_on, s.ends_on)]
    ended = [s for s in measure.suspensions if s.ends_on is not None and s.ends_on <= as_of]
    return MeasureStatus(
        measure=measure,
        in_force=in_force,
        suspended_by=max(covering, key=_suspension_order) if covering else None,
        # Only a lapse with no suspension covering as_of is a lapse: a later one extends it.
        lapsed=None if covering or not ended else max(ended, key=_suspension_order),
    )


def _suspension_order(suspension: SuspensionFacts) -> tuple[dt.date, dt.date, str]:
    return (suspension.ends_on or dt.date.max, suspension.starts_on, suspension.by_key)


def measure_statuses(
    measures: tuple[MeasureFacts, ...], case: CaseFacts, as_of: dt.date
) -> tuple[MeasureStatus, ...]:
    """Statuses of every measure, in a caller-independent order (by id)."""
    ordered = sorted(measures, key=lambda measure: (measure.id, measure.key))
    return tuple(measure_status(measure, case, as_of) for measure in ordered)


def licence_required(statuses: tuple[MeasureStatus, ...]) -> bool:
    return any(status.requires_licence for status in statuses)

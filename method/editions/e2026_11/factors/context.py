"""Facts derived once per assessment and shared by the factors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.editions.e2026_11.applicability import MeasureStatus, licence_required, measure_statuses
from method.editions.e2026_11.choices import SEPARATED_FORMS
from method.editions.e2026_11.inputs import AssessmentInputs, CaseFacts, MeasureFacts
from method.editions.e2026_11.result import Evidence, unverified_suffix


@dataclass(frozen=True, slots=True)
class QuotaBasis:
    """Which quota a product's lawful output depends on."""

    kind: str  # mining (ore) | smelting (separated products)
    category: str  # ionic when any element is ionic, else light


@dataclass(frozen=True, slots=True)
class Context:
    inputs: AssessmentInputs
    statuses: tuple[MeasureStatus, ...]
    licence_required: bool
    quota_basis: QuotaBasis | None  # None: equipment, technology, or no quota element

    @property
    def case(self) -> CaseFacts:
        return self.inputs.case

    @property
    def as_of(self) -> dt.date:
        return self.inputs.as_of


def quota_basis(case: CaseFacts) -> QuotaBasis | None:
    if case.product_form == "ore":
        kind = "mining"
    elif case.product_form in SEPARATED_FORMS:
        kind = "smelting"
    else:
        return None
    categories = {element.quota_category for element in case.elements}
    if "ionic" in categories:
        return QuotaBasis(kind, "ionic")
    if "light" in categories:
        return QuotaBasis(kind, "light")
    return None


def build_context(inputs: AssessmentInputs) -> Context:
    statuses = measure_statuses(inputs.measures, inputs.case, inputs.as_of)
    return Context(
        inputs=inputs,
        statuses=statuses,
        licence_required=licence_required(statuses),
        quota_basis=quota_basis(inputs.case),
    )


def measure_evidence(measure: MeasureFacts) -> Evidence:
    return Evidence(
        "measure", str(measure.id), measure.title + unverified_suffix(measure.confidence)
    )


def element_list(case: CaseFacts) -> str:
    symbols = [element.symbol for element in case.elements]
    return ", ".join(symbols) if symbols else "no declared elements"


def short_title(title: str) -> str:
    """'MOFCOM/GACC Announcement No. 18 of 2025 (medium ...)' -> the part before '('."""
    return title.split(" (", 1)[0].strip() or title


def joined(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

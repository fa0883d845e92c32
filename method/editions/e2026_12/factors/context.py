"""Facts derived once per assessment and shared by the factors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.editions.e2026_12.applicability import MeasureStatus, licence_required, measure_statuses
from method.editions.e2026_12.choices import NON_MATERIAL_FORMS, SEPARATED_FORMS
from method.editions.e2026_12.inputs import AssessmentInputs, CaseFacts, MeasureFacts, SourceFacts
from method.editions.e2026_12.result import Evidence, unverified_suffix


@dataclass(frozen=True, slots=True)
class QuotaBasis:
    """Which quota an upstream source's lawful output depends on."""

    kind: str  # mining (ore) | smelting (separated products)
    category: str  # light | ionic | any (imported ore: any smelting allocation)
    assumed: bool = False  # the category came from the element, not the source's ore


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


def _kind(case: CaseFacts) -> str | None:
    if case.product_form == "ore":
        return "mining"
    if case.product_form in SEPARATED_FORMS:
        return "smelting"
    return None


def quota_basis(case: CaseFacts) -> QuotaBasis | None:
    """The case-level basis: whether any declared element sits under a quota category."""
    kind = _kind(case)
    if kind is None:
        return None
    categories = {element.quota_category for element in case.elements}
    if "ionic" in categories:
        return QuotaBasis(kind, "ionic", assumed=True)
    if "light" in categories:
        return QuotaBasis(kind, "light", assumed=True)
    return None


def is_by_product(source: SourceFacts, case: CaseFacts) -> bool:
    """Outside the quota system: declared a by-product, or only non-quota elements (Sc)."""
    if source.ore_category == "by_product":
        return True
    categories = {e.quota_category for e in case.elements if e.symbol in source.elements}
    return bool(categories) and categories == {"none"}


def source_basis(source: SourceFacts, case: CaseFacts) -> QuotaBasis | None:
    """Which allocation a source's material needs: from its ore where declared, else from
    its elements (DOMAIN, second edition: "assumed from the element")."""
    kind = _kind(case)
    if kind is None or is_by_product(source, case):
        return None
    if source.ore_category in ("light", "ionic"):
        return QuotaBasis(kind, source.ore_category)
    if source.ore_category == "imported":
        # Mined abroad: no Chinese mining quota; its separation counts under the smelting
        # indicator (Order No. 71), whatever the category.
        return QuotaBasis("smelting", "any") if kind == "smelting" else None
    categories = {e.quota_category for e in case.elements if e.symbol in source.elements}
    if "ionic" in categories:
        return QuotaBasis(kind, "ionic", assumed=True)
    if "light" in categories or not categories:
        return QuotaBasis(kind, "light", assumed=True)
    return None


def unsourced(case: CaseFacts, *, quota_only: bool = False) -> list[str]:
    """Declared elements that no upstream source covers (only those under the quota
    system when `quota_only`: a by-product such as Sc needs a source, not a quota)."""
    covered = {symbol for source in case.sources for symbol in source.elements}
    return [
        element.symbol
        for element in case.elements
        if element.symbol not in covered and not (quota_only and element.quota_category == "none")
    ]


def is_material(case: CaseFacts) -> bool:
    return case.product_form not in NON_MATERIAL_FORMS


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

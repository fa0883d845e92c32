"""Reading a quota holder's allocations: which cycle to use and what it says.

The wanted cycle is the as-of year's. When it is unpublished, or it holds no known volume
for the holder, the most recent published cycle with allocations for that holder (the
fallback) is judged instead, and the result says which cycle that was.
"""

from __future__ import annotations

from dataclasses import dataclass

from method.editions.e2026_12_2.factors.context import QuotaBasis
from method.editions.e2026_12_2.inputs import AllocationFacts, QuotaFacts
from method.editions.e2026_12_2.result import Evidence, unverified_suffix


@dataclass(frozen=True, slots=True)
class CycleUsed:
    year: int
    cycle_id: int | None
    label: str
    confidence: str
    allocations: tuple[AllocationFacts, ...]
    gap: str  # why the wanted cycle was not used ('' when it was)
    published: bool = True

    @property
    def evidence(self) -> Evidence:
        ref = "" if self.cycle_id is None else str(self.cycle_id)
        confidence = recorded_confidence(self)
        state = confidence if self.published else f"unpublished cycle, recorded as {confidence}"
        label = f"{self.label} quota allocations ({state})"
        return Evidence(
            "quota_cycle",
            ref,
            label + unverified_suffix(confidence),
            instrument="MIIT/MNR total-quantity control indicators (Order No. 71 from 2025)",
            layer="quota",
            window=f"quota year {self.year}",
            data_version=self.label,
            confidence=confidence,
        )

    @property
    def holds_any(self) -> bool:
        """Whether the holder has any allocation here (a None volume still counts)."""
        return any(row.tonnes is None or row.tonnes > 0 for row in self.allocations)


@dataclass(frozen=True, slots=True)
class Holding:
    status: str  # held | none | unknown
    tonnes: float | None = None
    utilised: float | None = None
    # The full predicate when the category had to be inferred from a total, e.g. "holds a
    # smelting allocation of 88,010 t published only as a total; judged light from ...".
    note: str = ""


def _volumes_known(quota: QuotaFacts) -> bool:
    """Published volumes, or allocations staff recorded for an unpublished cycle (they
    count, with their confidence: DOMAIN, second edition, "Quota data as it is known")."""
    return any(row.tonnes is not None for row in quota.allocations)


def recorded_confidence(cycle: CycleUsed) -> str:
    """The weakest confidence among the allocations judged ('official' when all are)."""
    order = ("official", "reported", "estimated")
    found = [row.confidence or cycle.confidence for row in cycle.allocations] or [cycle.confidence]
    return max(found, key=lambda c: order.index(c) if c in order else len(order))


def cycle_used(quota: QuotaFacts, holder: str) -> CycleUsed:
    wanted = CycleUsed(
        quota.cycle_year,
        quota.cycle_id,
        str(quota.cycle_year),
        quota.confidence,
        quota.allocations,
        "",
        quota.published,
    )
    if _volumes_known(quota) or quota.fallback is None:
        return wanted
    fallback = quota.fallback
    gap = (
        f"{quota.cycle_year} quota volumes are unpublished"
        if not quota.published
        else f"{quota.cycle_year} quota volumes for {holder} are unknown"
    )
    return CycleUsed(
        fallback.year,
        fallback.cycle_id,
        fallback.label or str(fallback.year),
        fallback.confidence,
        fallback.allocations,
        f"{gap}; judged on {fallback.label or fallback.year} allocations",
    )


def _sum(values: list[float | None]) -> float | None:
    return None if any(value is None for value in values) else sum(v or 0.0 for v in values)


def _rows(allocations: tuple[AllocationFacts, ...]) -> dict[tuple[str, str], Holding]:
    """One holding per (kind, category): batches of a cycle add up."""
    grouped: dict[tuple[str, str], list[AllocationFacts]] = {}
    for row in allocations:
        grouped.setdefault((row.kind, row.category), []).append(row)
    return {
        key: Holding(
            "held",
            _sum([row.tonnes for row in rows]),
            _sum([row.utilised_tonnes for row in rows]),
        )
        for key, rows in grouped.items()
    }


def _tonnes(value: float | None) -> str:
    return "an unknown volume" if value is None else f"{value:,.0f} t"


def _classify(row: Holding, note: str = "") -> Holding:
    if row.tonnes is None:
        return Holding("unknown", None, row.utilised, note)
    if row.tonnes <= 0:
        return Holding("none", 0.0, row.utilised, note)
    return Holding("held", row.tonnes, row.utilised, note)


def holding(cycle: CycleUsed, basis: QuotaBasis) -> Holding:
    if basis.category == "any":
        return _any_category(cycle, basis.kind)
    rows = _rows(cycle.allocations)
    exact = rows.get((basis.kind, basis.category))
    if exact is not None:
        return _classify(exact)
    total = rows.get((basis.kind, "total"))
    if total is None:
        return Holding("none")
    if basis.kind == "smelting":
        return _from_mining(total, rows, basis.category)
    note = (
        f"holds a mining allocation of {_tonnes(total.tonnes)} published only as a total, "
        f"with no {basis.category} split"
    )
    return Holding("unknown", None, None, note)


def _from_mining(total: Holding, rows: dict[tuple[str, str], Holding], category: str) -> Holding:
    # Separation output of a category comes from ore of that category (ionic clay is the
    # source of medium-heavy oxides), so a total smelting allocation covers a category
    # only as far as the group mines it.
    mining = rows.get(("mining", category))
    prefix = f"holds a smelting allocation of {_tonnes(total.tonnes)} published only as a total"
    if mining is None and ("mining", "total") in rows:
        return Holding("unknown", note=f"{prefix}, and its mining split by category is unknown")
    if mining is None or (mining.tonnes is not None and mining.tonnes <= 0):
        return Holding(
            "none",
            note=f"{prefix} but no {category} mining allocation, "
            f"so no {category} separation allocation",
        )
    if mining.tonnes is None:
        return Holding("unknown", note=f"{prefix}; its {category} mining volume is unknown")
    note = f"{prefix}; judged {category} from its {category} mining allocation of " + _tonnes(
        mining.tonnes
    )
    return _classify(total, note)


def _any_category(cycle: CycleUsed, kind: str) -> Holding:
    """Imported ore: any allocation of the kind covers it; volumes of all categories add."""
    rows = [held for (k, _), held in _rows(cycle.allocations).items() if k == kind]
    if not rows:
        return Holding("none")
    return _classify(
        Holding("held", _sum([row.tonnes for row in rows]), _sum([row.utilised for row in rows]))
    )

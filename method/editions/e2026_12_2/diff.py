"""What changed between two results, factor by factor: the one comparison the case history
and the alert e-mails show (each as a view of it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from method.editions.e2026_12_2.choices import SEVERITY_RANK


@dataclass(frozen=True, slots=True)
class FactorChange:
    """A factor whose severity or reason differs between an older and a newer result.

    A side where the factor was not assessed has severity None and an empty reason; its
    evidence and next steps come from the side that has the factor (the newer one first).
    """

    factor: str
    old_severity: str | None
    new_severity: str | None
    old_reason: str
    new_reason: str
    evidence: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.factor.replace("_", " ").capitalize()

    @property
    def reason(self) -> str:
        """The newer side's reason, or the older one's for a factor no longer assessed."""
        return self.new_reason if self.new_severity is not None else self.old_reason

    @property
    def severity_changed(self) -> bool:
        return (self.old_severity or "none") != (self.new_severity or "none")

    @property
    def worsened(self) -> bool:
        return (
            SEVERITY_RANK[self.new_severity or "none"] > SEVERITY_RANK[self.old_severity or "none"]
        )


def _evidence(item: Mapping) -> tuple[str, ...]:
    return tuple(
        e.get("label", "") if isinstance(e, Mapping) else str(e) for e in item.get("evidence") or ()
    )


def factor_changes(old: Iterable[Mapping], new: Iterable[Mapping]) -> list[FactorChange]:
    """The factors (stored `factors` dicts of two results) whose severity or reason differ,
    in the newer result's order, then the factors only the older one had."""
    older = {item["factor"]: item for item in old or ()}
    newer = {item["factor"]: item for item in new or ()}
    changes = []
    for name in [*newer, *(n for n in older if n not in newer)]:
        o, n = older.get(name, {}), newer.get(name, {})
        if o.get("severity") == n.get("severity") and o.get("reason") == n.get("reason"):
            continue
        source = n or o
        changes.append(
            FactorChange(
                factor=name,
                old_severity=o.get("severity"),
                new_severity=n.get("severity"),
                old_reason=o.get("reason", ""),
                new_reason=n.get("reason", ""),
                evidence=_evidence(source),
                next_steps=tuple(source.get("next_steps") or ()),
            )
        )
    return changes

"""An assessment's history and what changed between two snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.models import Assessment
from shipments.models import Case

# ----------------------------------------------------------------------------- history


def assessment_history(case: Case) -> QuerySet[Assessment]:
    """All snapshots of a case, newest first, with who and what caused them."""
    return (
        Assessment.objects.filter(case=case)
        .select_related("actor", "reference_change", "previous")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class FactorChange:
    factor: str
    old_severity: str | None
    new_severity: str | None
    old_reason: str
    new_reason: str


def assessment_diff(a: Assessment | None, b: Assessment) -> list[FactorChange]:
    """Factors whose severity or reason differ from `a` (older) to `b` (newer)."""
    old = {f["factor"]: f for f in (a.factors if a else [])}
    new = {f["factor"]: f for f in b.factors}
    changes = []
    for name in [*new, *(n for n in old if n not in new)]:
        o, n = old.get(name, {}), new.get(name, {})
        if o.get("severity") != n.get("severity") or o.get("reason") != n.get("reason"):
            changes.append(
                FactorChange(
                    factor=name,
                    old_severity=o.get("severity"),
                    new_severity=n.get("severity"),
                    old_reason=o.get("reason", ""),
                    new_reason=n.get("reason", ""),
                )
            )
    return changes

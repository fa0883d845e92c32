"""An assessment's history and what changed between two snapshots."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models import Assessment
from method.diff import FactorChange, factor_changes
from shipments.models import Case

# ----------------------------------------------------------------------------- history


def assessment_history(case: Case) -> QuerySet[Assessment]:
    """All snapshots of a case, newest first, with who and what caused them."""
    return (
        Assessment.objects.filter(case=case)
        .select_related("actor", "reference_change", "previous")
        .order_by("-created_at", "-pk")
    )


def assessment_diff(a: Assessment | None, b: Assessment) -> list[FactorChange]:
    """Factors whose severity or reason differ from `a` (older) to `b` (newer)."""
    return factor_changes(a.factors if a else [], b.factors)

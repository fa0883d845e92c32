"""Reads of reference data that pages, the API and the assessment selectors share."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from registry.choices import ListVersionStatus
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    DestinationRestriction,
    Measure,
    QuotaCycle,
    ReferenceChange,
    Suspension,
    WatchList,
    WatchListEntry,
)


def list_version_in_force(on: date, *, exclude: ApprovedListVersion | None = None):
    """The published version in force on `on`: latest effective date, then latest published."""
    qs = ApprovedListVersion.objects.filter(
        status=ListVersionStatus.PUBLISHED, effective_from__lte=on
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("-effective_from", "-published_at", "-pk").first()


def list_versions() -> QuerySet[ApprovedListVersion]:
    return (
        ApprovedListVersion.objects.select_related("published_by")
        .annotate(
            entry_count=Count("entries"),
            suspended_count=Count("entries", filter=Q(entries__status="suspended")),
            removed_count=Count("entries", filter=Q(entries__status="removed")),
        )
        .order_by("-effective_from", "-pk")
    )


def list_version_entries(version: ApprovedListVersion) -> QuerySet[ApprovedListEntry]:
    return version.entries.select_related("producer__group").order_by("producer__name_en")


def measures_with_scope() -> QuerySet[Measure]:
    return Measure.objects.prefetch_related(
        "issuers",
        "elements",
        Prefetch(
            "suspensions",
            queryset=Suspension.objects.select_related("suspended_by").order_by("starts_on"),
        ),
    ).order_by("effective_from", "key")


@dataclass(frozen=True)
class SuspensionState:
    suspension: Suspension
    state: str  # "upcoming" | "active" | "lapsed"

    @property
    def label(self) -> str:
        s = self.suspension
        if self.state == "lapsed":
            return f"lapsed on {s.ends_on} - verify"
        until = s.ends_on or "further notice"
        if self.state == "upcoming":
            return f"suspended from {s.starts_on} until {until}"
        return f"suspended until {until}"


def suspension_state(s: Suspension, today: date) -> SuspensionState:
    if s.starts_on > today:
        return SuspensionState(s, "upcoming")
    if s.ends_on and s.ends_on <= today:
        return SuspensionState(s, "lapsed")
    return SuspensionState(s, "active")


def quota_cycles() -> QuerySet[QuotaCycle]:
    return QuotaCycle.objects.prefetch_related("batches").annotate(
        allocation_count=Count("batches__allocations", distinct=True)
    )


def watch_lists() -> QuerySet[WatchList]:
    return WatchList.objects.annotate(
        entry_count=Count("entries"),
        active_count=Count("entries", filter=Q(entries__status="active")),
        suspended_count=Count("entries", filter=Q(entries__status="suspended")),
        unverified_count=Count("entries", filter=Q(entries__confidence="unconfirmed")),
    )


def watch_entries(watch_list: WatchList) -> QuerySet[WatchListEntry]:
    return watch_list.entries.order_by("-date_added", "name")


def destination_restrictions() -> QuerySet[DestinationRestriction]:
    return DestinationRestriction.objects.order_by("country", "effective_from")


def reference_changes() -> QuerySet[ReferenceChange]:
    return ReferenceChange.objects.select_related("actor")


def change_assessments(change: ReferenceChange):
    return (
        change.assessments.select_related("case", "previous")
        .defer("inputs", "previous__inputs", "previous__factors", "previous__versions")
        .order_by("case__reference")
    )

"""Reads of reference data that pages, the API and the assessment selectors share."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from registry.charts import yoy_percent
from registry.choices import ListVersionStatus, QuotaCategory, QuotaKind
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    DestinationRestriction,
    Measure,
    ProducerGroup,
    QuotaAllocation,
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


LAPSE_WARNING_DAYS = 60


@dataclass(frozen=True)
class LapseWarning:
    """A suspension that ends (the measure applying again) within LAPSE_WARNING_DAYS of
    today, or has ended, with no recorded suspension of the same measure carrying on."""

    suspension: Suspension
    state: str  # "lapsing" | "lapsed"
    days: int  # until the end (lapsing) or since it (lapsed)

    @property
    def text(self) -> str:
        s = self.suspension
        if self.state == "lapsing":
            when = "tomorrow" if self.days == 1 else f"in {self.days} days"
            return (
                f"Suspension lapses {when} ({s.ends_on}); no extension recorded: "
                f"the measure applies again from {s.ends_on}."
            )
        return (
            f"Suspension lapsed on {s.ends_on}, {self.days} days ago; no extension "
            "recorded: the measure applies again. Verify."
        )

    @property
    def short(self) -> str:
        """The few words drawn on the timeline beside the warning sign."""
        if self.state == "lapsing":
            return f"lapses in {self.days} days, no extension recorded"
        return f"lapsed {self.suspension.ends_on}, no extension recorded"


def suspension_lapse_warnings(
    measure: Measure, today: date, *, within: int = LAPSE_WARNING_DAYS
) -> list[LapseWarning]:
    """The measure's suspensions that lapse within `within` days of today or have lapsed,
    where no other suspension of it starts by that end and runs past it (an extension),
    and where the measure itself is still in effect when the suspension ends. Reads the
    prefetched `measure.suspensions`."""
    suspensions = list(measure.suspensions.all())
    warnings = []
    for s in suspensions:
        if s.ends_on is None:
            continue
        if measure.effective_to and s.ends_on >= measure.effective_to:
            continue  # the measure ends with (or before) its suspension: nothing comes back
        extended = any(
            other.pk != s.pk
            and other.starts_on <= s.ends_on
            and (other.ends_on is None or other.ends_on > s.ends_on)
            for other in suspensions
        )
        if extended:
            continue
        if s.ends_on <= today:
            warnings.append(LapseWarning(s, "lapsed", (today - s.ends_on).days))
        elif s.ends_on <= today + timedelta(days=within):
            warnings.append(LapseWarning(s, "lapsing", (s.ends_on - today).days))
    return warnings


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


# --------------------------------------------------------------------- quota figures

# Weakest first: a sum is only as well known as its least known row.
QUOTA_CONFIDENCE_ORDER = ("estimated", "reported", "official")


def weakest_confidence(confidences: Iterable[str]) -> str:
    """How a sum of rows is known: as its least known row ('' for no rows)."""
    values = list(confidences)
    return min(values, key=QUOTA_CONFIDENCE_ORDER.index) if values else ""


def batches_label(numbers: Iterable[int]) -> str:
    """ "batch 1", "batches 1-3", "batches 1, 3"."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"batch {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"batches {numbers[0]}-{numbers[-1]}"
    return "batches " + ", ".join(str(n) for n in numbers)


def quota_cycle_previous(cycle: QuotaCycle) -> QuotaCycle | None:
    """The latest cycle before this one (the year-on-year comparison's)."""
    return QuotaCycle.objects.filter(year__lt=cycle.year).order_by("-year").first()


@dataclass(frozen=True)
class AllocationFigure:
    """A group's allocation of one kind and category in a cycle, summed over the batches
    in which it has a row, and its change against the previous cycle.

    tonnes is None when no row of it was published; `complete` is False when some were
    not (the sum then covers only the published ones). The year-on-year change compares
    like with like: full year with full year when both cycles give the group a row in every
    batch, else the batches the two cycles share (e.g. batch 1 with batch 1)."""

    group: ProducerGroup
    kind: str
    kind_label: str
    category: str
    category_label: str
    tonnes: Decimal | None
    complete: bool
    batches: tuple[int, ...]
    cycle_batches: tuple[int, ...]
    confidence: str
    previous_year: int | None = None
    previous_tonnes: Decimal | None = None
    yoy: float | None = None
    yoy_basis: str = ""

    @property
    def coverage(self) -> str:
        if set(self.cycle_batches) <= set(self.batches):
            return "full year" if len(self.cycle_batches) > 1 else "batch 1 of 1"
        return f"{batches_label(self.batches)} of {len(self.cycle_batches)}"


def _allocation_rows(cycle: QuotaCycle) -> dict[tuple, dict[int, tuple[Decimal | None, str]]]:
    """(group id, kind, category) -> batch number -> (tonnes, the row's own confidence or
    its cycle's)."""
    rows: dict[tuple, dict[int, tuple[Decimal | None, str]]] = {}
    for group_id, kind, category, number, tonnes, confidence in QuotaAllocation.objects.filter(
        batch__cycle=cycle
    ).values_list("group_id", "kind", "category", "batch__number", "tonnes", "confidence"):
        rows.setdefault((group_id, kind, category), {})[number] = (
            tonnes,
            confidence or cycle.confidence,
        )
    return rows


def _compare(
    current: dict[int, tuple], previous: dict[int, tuple], numbers: set[int], prev_numbers: set[int]
) -> tuple[Decimal | None, Decimal | None, str]:
    """(current sum, previous sum, basis) on a like-for-like basis; sums None when a
    compared row was not published."""
    if current and previous and numbers <= set(current) and prev_numbers <= set(previous):
        basis, cur, prev = "full year", list(current), list(previous)
    else:
        common = sorted(set(current) & set(previous))
        if not common:
            return None, None, "no batch to compare"
        basis, cur, prev = batches_label(common), common, common

    def total(rows, keys):
        values = [rows[k][0] for k in keys]
        return None if any(v is None for v in values) else sum(values, Decimal(0))

    return total(current, cur), total(previous, prev), basis


def quota_allocation_figures(cycle: QuotaCycle) -> list[AllocationFigure]:
    """Every group x kind x category of the cycle, by group name, then kind and category
    (in the choices' order), with the year-on-year change."""
    numbers = set(cycle.batches.values_list("number", flat=True))
    rows = _allocation_rows(cycle)
    previous = quota_cycle_previous(cycle)
    prev_rows = _allocation_rows(previous) if previous else {}
    prev_numbers = set(previous.batches.values_list("number", flat=True)) if previous else set()
    groups = ProducerGroup.objects.in_bulk({k[0] for k in rows})
    kinds, categories = list(QuotaKind.values), list(QuotaCategory.values)
    figures = []
    for key in sorted(
        rows, key=lambda k: (groups[k[0]].name, kinds.index(k[1]), categories.index(k[2]))
    ):
        group_id, kind, category = key
        by_batch = rows[key]
        known = [t for t, _ in by_batch.values() if t is not None]
        figure = AllocationFigure(
            group=groups[group_id],
            kind=kind,
            kind_label=QuotaKind(kind).label,
            category=category,
            category_label=QuotaCategory(category).label,
            tonnes=sum(known, Decimal(0)) if known else None,
            complete=len(known) == len(by_batch),
            batches=tuple(sorted(by_batch)),
            cycle_batches=tuple(sorted(numbers)),
            confidence=weakest_confidence(c for _, c in by_batch.values()),
        )
        if previous is not None:
            cur, prev, basis = _compare(by_batch, prev_rows.get(key, {}), numbers, prev_numbers)
            figure = replace(
                figure,
                previous_year=previous.year,
                previous_tonnes=prev,
                yoy=yoy_percent(cur, prev),
                yoy_basis=basis,
            )
        figures.append(figure)
    return figures


@dataclass(frozen=True)
class CycleTotals:
    cycle: QuotaCycle
    previous_year: int | None
    mining_yoy: float | None
    smelting_yoy: float | None


def quota_cycle_totals() -> list[CycleTotals]:
    """Every cycle, oldest first, with its totals' change against the cycle before it."""
    cycles = list(quota_cycles().order_by("year"))
    out = []
    for before, cycle in zip([None, *cycles], cycles, strict=False):
        out.append(
            CycleTotals(
                cycle=cycle,
                previous_year=before.year if before else None,
                mining_yoy=yoy_percent(cycle.mining_total, before.mining_total if before else None),
                smelting_yoy=yoy_percent(
                    cycle.smelting_total, before.smelting_total if before else None
                ),
            )
        )
    return out

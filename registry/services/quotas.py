"""Quota cycles, batches, group allocations and reported utilisation."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Sum

from core.types import Actor
from registry.choices import ChangeKind, QuotaConfidence
from registry.models import (
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    QuotaUtilisation,
    ReferenceChange,
)

from ._common import apply_changes
from .changes import reference_change_record
from .keys import ChangeKeys, allocation_keys, quota_year_keys


def _with_actor(obj, actor):
    if actor is not None:
        obj._history_user = actor
    return obj


@transaction.atomic
def quota_cycle_upsert(
    *,
    year: int,
    actor: Actor = None,
    published: bool | None = None,
    confidence: str | None = None,
    mining_total: Decimal | None = None,
    smelting_total: Decimal | None = None,
    notes: str | None = None,
    source: str | None = None,
) -> QuotaCycle:
    """Create or update a year's cycle; arguments left as None keep their current value
    (except the totals, which are always set: None means "not known")."""
    cycle = QuotaCycle.objects.filter(year=year).first()
    created = cycle is None
    if created:
        cycle = QuotaCycle(year=year)
    changes = {"mining_total": mining_total, "smelting_total": smelting_total}
    for name, value in (
        ("published", published),
        ("confidence", confidence),
        ("notes", notes),
        ("source", source),
    ):
        if value is not None:
            changes[name] = value
    diff = apply_changes(cycle, changes)
    _with_actor(cycle, actor).full_clean()
    cycle.save()
    if created or diff:
        reference_change_record(
            kind=ChangeKind.QUOTA_CYCLE,
            summary=f"Quota cycle {year} {'added' if created else 'changed'}",
            actor=actor,
            source=cycle,
            details={"created": created, "changes": diff},
            keys=quota_year_keys(year=year),
        )
    return cycle


@transaction.atomic
def quota_batch_issue(
    *,
    cycle: QuotaCycle,
    number: int,
    actor: Actor = None,
    issued_on: date | None = None,
    notice_number: str = "",
    mining_total: Decimal | None = None,
    smelting_total: Decimal | None = None,
    confidence: str = QuotaConfidence.REPORTED,
    notes: str = "",
) -> QuotaBatch:
    """Issue (or correct) batch `number` of a cycle."""
    batch = QuotaBatch.objects.filter(cycle=cycle, number=number).first()
    created = batch is None
    if created:
        batch = QuotaBatch(cycle=cycle, number=number)
    diff = apply_changes(
        batch,
        {
            "issued_on": issued_on,
            "notice_number": notice_number,
            "mining_total": mining_total,
            "smelting_total": smelting_total,
            "confidence": confidence,
            "notes": notes,
        },
    )
    _with_actor(batch, actor).full_clean()
    batch.save()
    if created or diff:
        reference_change_record(
            kind=ChangeKind.QUOTA_BATCH,
            summary=f"{cycle.year} quota batch {number} {'issued' if created else 'changed'}",
            actor=actor,
            source=batch,
            details={"created": created, "changes": diff},
            keys=quota_year_keys(year=cycle.year),
        )
    return batch


@transaction.atomic
def quota_allocation_set(
    *,
    batch: QuotaBatch,
    group: ProducerGroup,
    kind: str,
    category: str,
    tonnes: Decimal | None,
    actor: Actor = None,
    confidence: str = "",  # blank: as the cycle's
    source: str = "",
    allocation: QuotaAllocation | None = None,
) -> QuotaAllocation:
    """Set a group's allocation (t REO; None = not known) of one kind and category in a batch.

    Pass `allocation` to edit that row (its batch, group, kind or category may change too);
    otherwise the row is found by batch x group x kind x category or created.
    """
    previous = None
    if allocation is not None:
        alloc = QuotaAllocation.objects.select_related("batch__cycle", "group").get(
            pk=allocation.pk
        )
        previous = QuotaAllocation.objects.select_related("batch__cycle", "group").get(
            pk=allocation.pk
        )
    else:
        alloc = QuotaAllocation.objects.filter(
            batch=batch, group=group, kind=kind, category=category
        ).first()
    created = alloc is None
    if created:
        alloc = QuotaAllocation()
    diff = apply_changes(
        alloc,
        {
            "batch": batch,
            "group": group,
            "kind": kind,
            "category": category,
            "tonnes": tonnes,
            "confidence": confidence,
            "source": source,
        },
    )
    _with_actor(alloc, actor).full_clean()
    alloc.save()
    if created or diff:
        touched = [alloc] if previous is None else [alloc, previous]
        allocation_change_record(allocations=touched, actor=actor, details={"changes": diff})
    return alloc


@transaction.atomic
def quota_batch_delete(*, batch: QuotaBatch, actor: Actor = None) -> None:
    """Withdraw a batch (and its allocations)."""
    allocations = list(batch.allocations.select_related("group", "batch__cycle"))
    reference_change_record(
        kind=ChangeKind.QUOTA_BATCH,
        summary=f"{batch} withdrawn",
        actor=actor,
        source=batch.cycle,
        details={"deleted": str(batch), "allocations": [str(a) for a in allocations]},
        keys=quota_year_keys(year=batch.cycle.year),
    )
    _with_actor(batch, actor).delete()


@transaction.atomic
def quota_utilisation_delete(*, utilisation: QuotaUtilisation, actor: Actor = None) -> None:
    keys = allocation_keys(
        group=utilisation.group,
        kind=utilisation.kind,
        category=utilisation.category,
        year=utilisation.cycle.year,
    )
    reference_change_record(
        kind=ChangeKind.QUOTA_UTILISATION,
        summary=f"Utilisation report withdrawn: {utilisation}",
        actor=actor,
        source=utilisation.cycle,
        details={"deleted": str(utilisation)},
        keys=keys,
    )
    _with_actor(utilisation, actor).delete()


@transaction.atomic
def quota_allocation_delete(*, allocation: QuotaAllocation, actor: Actor = None) -> None:
    allocation_change_record(
        allocations=[allocation], actor=actor, details={"deleted": str(allocation)}
    )
    _with_actor(allocation, actor).delete()


def allocation_change_record(
    *,
    allocations: Iterable[QuotaAllocation],
    actor: Actor = None,
    details: dict | None = None,
    source: models.Model | None = None,
) -> ReferenceChange | None:
    """One reference change covering several allocations (a service call or an import)."""
    allocations = list(allocations)
    if not allocations:
        return None
    keys = ChangeKeys.union(
        allocation_keys(group=a.group, kind=a.kind, category=a.category, year=a.batch.cycle.year)
        for a in allocations
    )
    years = [a.batch.cycle.year for a in allocations]
    first = allocations[0]
    summary = (
        f"Quota allocation {first}"
        if len(allocations) == 1
        else f"{len(allocations)} quota allocations changed ({min(years)}-{max(years)})"
    )
    return reference_change_record(
        kind=ChangeKind.QUOTA_ALLOCATION,
        summary=summary,
        actor=actor,
        source=source if source is not None else (first if first.pk else None),
        details={
            **(details or {}),
            "allocations": [
                {
                    "id": a.pk,
                    "batch": str(a.batch),
                    "group": a.group.key,
                    "kind": a.kind,
                    "category": a.category,
                    "tonnes": a.tonnes,
                }
                for a in allocations
            ],
        },
        keys=keys,
    )


@transaction.atomic
def quota_utilisation_report(
    *,
    cycle: QuotaCycle,
    group: ProducerGroup,
    kind: str,
    category: str,
    reported_on: date,
    tonnes_used: Decimal,
    actor: Actor = None,
    source: str = "",
    utilisation: QuotaUtilisation | None = None,
) -> QuotaUtilisation:
    """Record the tonnes a group has used of its yearly allocation as of a date (pass
    `utilisation` to correct that report)."""
    if utilisation is not None:
        util = QuotaUtilisation.objects.get(pk=utilisation.pk)
    else:
        util = QuotaUtilisation.objects.filter(
            cycle=cycle, group=group, kind=kind, category=category, reported_on=reported_on
        ).first()
    created = util is None
    if created:
        util = QuotaUtilisation()
    diff = apply_changes(
        util,
        {
            "cycle": cycle,
            "group": group,
            "kind": kind,
            "category": category,
            "reported_on": reported_on,
            "tonnes_used": tonnes_used,
            "source": source,
        },
    )
    _with_actor(util, actor).full_clean()
    util.save()
    if created or diff:
        keys = allocation_keys(group=group, kind=kind, category=category, year=cycle.year)
        reference_change_record(
            kind=ChangeKind.QUOTA_UTILISATION,
            summary=f"{group} used {tonnes_used} t of {cycle.year} {kind}/{category} "
            f"(as of {reported_on})",
            actor=actor,
            source=util,
            details={"created": created, "changes": diff},
            keys=keys,
        )
    return util


@dataclass(frozen=True)
class UtilisationRow:
    group: ProducerGroup
    kind: str
    category: str
    allocated: Decimal | None
    used: Decimal | None
    reported_on: date | None

    @property
    def percent(self) -> Decimal | None:
        if not self.allocated or self.used is None:
            return None
        return (self.used / self.allocated * 100).quantize(Decimal("0.1"))


def quota_utilisation_rows(cycle: QuotaCycle) -> list[UtilisationRow]:
    """Per group x kind x category: allocated (sum over batches) and the latest reported use."""
    allocated: dict[tuple, Decimal | None] = {}
    for row in (
        QuotaAllocation.objects.filter(batch__cycle=cycle)
        .values("group", "kind", "category")
        .annotate(total=Sum("tonnes"))
    ):
        allocated[(row["group"], row["kind"], row["category"])] = row["total"]
    latest: dict[tuple, QuotaUtilisation] = {}
    for u in cycle.utilisations.order_by("reported_on"):
        latest[(u.group_id, u.kind, u.category)] = u
    groups = ProducerGroup.objects.in_bulk({k[0] for k in allocated} | {k[0] for k in latest})
    rows = []
    for key in sorted(set(allocated) | set(latest), key=lambda k: (groups[k[0]].name, k[1], k[2])):
        u = latest.get(key)
        rows.append(
            UtilisationRow(
                group=groups[key[0]],
                kind=key[1],
                category=key[2],
                allocated=allocated.get(key),
                used=u.tonnes_used if u else None,
                reported_on=u.reported_on if u else None,
            )
        )
    return rows

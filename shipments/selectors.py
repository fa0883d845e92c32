"""Reads on shipment cases that pages, the API and tasks share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from method.choices import UPSTREAM_KINDS
from registry.models import HSCode, Producer

from .choices import ACTIVE_STATUSES, NOT_CONSUMING_STATUSES
from .filters import CaseFilterSet
from .models import (
    Case,
    CaseElement,
    CaseParty,
    CaseSource,
    Document,
    ImportJob,
    Licence,
    TimelineEvent,
)


def _sources() -> Prefetch:
    return Prefetch("sources", queryset=CaseSource.objects.select_related("producer__group"))


def case_queryset() -> QuerySet[Case]:
    """Cases with everything a register row shows, in a constant number of queries."""
    return (
        Case.objects.select_related("owner", "latest_assessment")
        # The row shows the worst factor's reason; the stored inputs are not needed.
        .defer("latest_assessment__inputs", "latest_assessment__versions")
        .prefetch_related(
            Prefetch("case_elements", queryset=CaseElement.objects.select_related("element")),
            _sources(),
        )
    )


def case_filterset(*, user, filters: Mapping[str, Any] | None) -> CaseFilterSet:
    """The bound FilterSet (its form renders the filter bar; `.qs` is the filtered register).

    Everyone who may see cases sees all of them (a compliance team works as one register).
    """
    return CaseFilterSet(data=filters or {}, queryset=case_queryset(), request=None)


def case_list(*, user, filters: Mapping[str, Any] | None) -> QuerySet[Case]:
    return case_filterset(user=user, filters=filters).qs


def case_detail(pk: int) -> Case:
    """One case with its elements, parties, sources, documents, watchers and timeline
    (raises DoesNotExist)."""
    return (
        Case.objects.select_related(
            "owner", "created_by", "latest_assessment", "licence_record", "technology_item"
        )
        .prefetch_related(
            Prefetch("case_elements", queryset=CaseElement.objects.select_related("element")),
            Prefetch("parties", queryset=CaseParty.objects.select_related("producer__group")),
            _sources(),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
            Prefetch("timeline", queryset=TimelineEvent.objects.select_related("actor")),
            "watchers",
        )
        .get(pk=pk)
    )


def hs_code_suggestions(*, product_form: str, elements: list[str]) -> list[HSCode]:
    """Tariff lines for the form: those naming a chosen element first, then generic lines."""
    codes = list(HSCode.objects.filter(form=product_form).prefetch_related("elements"))
    if not elements:
        return codes
    wanted = set(elements)
    matching = [c for c in codes if {e.symbol for e in c.elements.all()} & wanted]
    generic = [c for c in codes if not c.elements.all()]
    return matching + generic


# --- the case form's search-as-you-type ------------------------------------------------------

SUGGESTIONS = 15


def producer_suggestions(*, query: str, upstream_only: bool = False) -> list[Producer]:
    """Registry producers whose name (English or Chinese), group or USCC matches `query`;
    `upstream_only`: mines and separation plants (what an upstream source names)."""
    query = query.strip()
    if not query:
        return []
    producers = Producer.objects.select_related("group").filter(
        Q(name_en__icontains=query)
        | Q(name_zh__icontains=query)
        | Q(group__name__icontains=query)
        | Q(uscc__istartswith=query)
    )
    if upstream_only:
        producers = producers.filter(kind__in=UPSTREAM_KINDS)
    return list(producers.order_by("name_en")[:SUGGESTIONS])


def party_suggestions(*, query: str) -> list[dict]:
    """Parties already on cases whose name or USCC matches `query`: one per name (the
    identifiers used most often with it), the most used first."""
    query = query.strip()
    if not query:
        return []
    rows = (
        CaseParty.objects.filter(Q(name__icontains=query) | Q(uscc__istartswith=query))
        .values(
            "name", "country", "uscc", "lei", "registry_number", "producer", "producer__name_en"
        )
        .annotate(cases=Count("case", distinct=True))
        .order_by("-cases", "name")[: SUGGESTIONS * 4]
    )
    by_name: dict[str, dict] = {}
    for row in rows:
        by_name.setdefault(row["name"].casefold(), row)
    return list(by_name.values())[:SUGGESTIONS]


# --- import jobs: each person sees their own (a superuser sees every one) ----------------


def _jobs_visible_to(user) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by")
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def import_jobs_of(user) -> QuerySet[ImportJob]:
    # The list never shows row errors (up to LODESTONE_IMPORT_MAX_ERRORS each).
    return _jobs_visible_to(user).defer("errors").order_by("-created_at", "-pk")


def import_job_detail(*, pk: int, user) -> ImportJob:
    return _jobs_visible_to(user).get(pk=pk)


def import_job_cases(job: ImportJob) -> QuerySet[Case]:
    return (
        Case.objects.filter(import_job=job)
        .select_related("owner")
        .only("pk", "reference", "buyer", "exporter", "band", "score", "owner__username")
        .order_by("pk")
    )


# --- licence records ---------------------------------------------------------------------


def _consumption_key(planned: dt.date | None, created: dt.datetime, pk: int) -> tuple:
    return (planned is None, planned or dt.date.min, created, pk)


def licence_consumption(licence_ids: Iterable[int]) -> dict[int, Decimal]:
    """For every case on these licences: the kilograms the licence's other cases take
    before it, in ship order (planned ship date, nulls last; then created; then id). A case
    in a `NOT_CONSUMING_STATUSES` status takes nothing. One query."""
    ids = list(set(licence_ids))
    if not ids:
        return {}
    rows: dict[int, list[tuple]] = {}
    for licence_id, pk, planned, created, quantity, status in Case.objects.filter(
        licence_record_id__in=ids
    ).values_list(
        "licence_record_id", "pk", "planned_ship_date", "created_at", "quantity_kg", "status"
    ):
        rows.setdefault(licence_id, []).append(
            (_consumption_key(planned, created, pk), pk, quantity, status)
        )
    consumed: dict[int, Decimal] = {}
    for cases in rows.values():
        running = Decimal(0)
        for _key, pk, quantity, status in sorted(cases):
            consumed[pk] = running
            if status not in NOT_CONSUMING_STATUSES:
                running += quantity
    return consumed


def licence_open_case_ids(licence_ids: Iterable[int], *, exclude: Iterable[int] = ()) -> list[int]:
    """The active (not closed) cases on these licences, but `exclude`."""
    ids = [i for i in set(licence_ids) if i]
    if not ids:
        return []
    return list(
        Case.objects.filter(licence_record_id__in=ids, status__in=ACTIVE_STATUSES)
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def licence_list() -> QuerySet[Licence]:
    return Licence.objects.select_related("created_by").annotate(case_count=Count("cases"))


@dataclass(frozen=True)
class LicenceCaseRow:
    """One case on a licence, in consumption order, with what it and those before take."""

    case: Case
    consumed_before_kg: Decimal
    consumed_through_kg: Decimal  # the running total including this case
    counts: bool  # its quantity draws on the licence (its status consumes)
    over: bool  # the running total passes the licence's quantity


def licence_case_rows(licence: Licence) -> list[LicenceCaseRow]:
    """The licence's cases in consumption order (planned ship date nulls last, created,
    id) with their running consumption: the licence page's table."""
    cases = sorted(
        Case.objects.filter(licence_record=licence).select_related("owner"),
        key=lambda c: _consumption_key(c.planned_ship_date, c.created_at, c.pk),
    )
    consumed = licence_consumption([licence.pk])
    rows = []
    for case in cases:
        before = consumed.get(case.pk, Decimal(0))
        counts = case.status not in NOT_CONSUMING_STATUSES
        through = before + (case.quantity_kg if counts else 0)
        over = licence.quantity_kg is not None and through > licence.quantity_kg
        rows.append(LicenceCaseRow(case, before, through, counts, over))
    return rows

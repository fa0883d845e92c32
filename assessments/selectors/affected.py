"""Which active cases a reference change or the calendar can move: the re-score's
selection and the sweep's."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce

from assessments.choices import DispositionStatus
from assessments.models import Disposition
from assessments.selectors.inputs import method_settings, today_default
from method.inputs import (
    WatchEntryFacts,
)
from method.screening import match_party
from registry.choices import ListVersionStatus
from registry.models import (
    ApprovedListVersion,
    DestinationRestriction,
    Measure,
    ReferenceChange,
    Suspension,
    WatchListEntry,
    WatchNotice,
)
from shipments.choices import ACTIVE_STATUSES
from shipments.models import Case, CaseElement, CaseParty, CaseSource, Document

# ---------------------------------------------------------------------- affected cases


def cases_affected_by(change: ReferenceChange, *, today: dt.date | None = None) -> QuerySet[Case]:
    """The active (not closed) cases a reference change can affect (see ReferenceChange).

    None for a party-scoped change that names no party (`change.affects_no_case`).

    Every non-empty key narrows the set; producer_ids and group_ids together are one key
    (either matches). The keys are read literally: the registry took the group closure when
    it recorded the change (registry/services/keys.py). A NULL
    ship date counts as today. Party names are screened with the method's own matcher
    against the distinct party names (every role) of the cases left after the other keys.
    """
    if change.affects_no_case:
        return Case.objects.none()
    today = today_default(today)
    qs = Case.objects.filter(status__in=ACTIVE_STATUSES)
    # A producer reaches a case as one of its upstream sources (list and quota) or as the
    # registry record of one of its parties (e.g. the exporter); a group through the sources.
    reach = Q()
    if change.producer_ids:
        ids = [int(p) for p in change.producer_ids]
        reach |= Q(Exists(CaseSource.objects.filter(case_id=OuterRef("pk"), producer_id__in=ids)))
        reach |= Q(Exists(CaseParty.objects.filter(case_id=OuterRef("pk"), producer_id__in=ids)))
    if change.group_ids:
        groups = [int(g) for g in change.group_ids]
        reach |= Q(
            Exists(CaseSource.objects.filter(case_id=OuterRef("pk"), producer__group_id__in=groups))
        )
    if reach:
        qs = qs.filter(reach)
    if change.destinations:
        qs = qs.filter(destination__in=list(change.destinations))
    if change.elements:
        qs = qs.filter(
            Exists(
                CaseElement.objects.filter(
                    case_id=OuterRef("pk"), element_id__in=list(change.elements)
                )
            )
        )
    if change.forms:
        qs = qs.filter(product_form__in=list(change.forms))
    if change.date_from or change.date_to:
        qs = qs.annotate(
            _ship_or_today=Coalesce("planned_ship_date", Value(today, output_field=DateField()))
        )
        if change.date_from:
            qs = qs.filter(_ship_or_today__gte=change.date_from)
        if change.date_to:
            qs = qs.filter(_ship_or_today__lt=change.date_to)
    if change.party_names:
        method = method_settings()
        entries = [
            WatchEntryFacts(id=i, list_key="change", list_name="change", name=name)
            for i, name in enumerate(n for n in change.party_names if n and n.strip())
        ]
        # Every party is screened, so every party's name can be hit (not only the end user).
        parties = CaseParty.objects.filter(case__in=qs)
        values = set(parties.values_list("name", flat=True).distinct())
        hits = [v for v in values if v.strip() and match_party(v, entries, method)]
        qs = qs.filter(Exists(CaseParty.objects.filter(case_id=OuterRef("pk"), name__in=hits)))
    return qs


# ------------------------------------------------------------------------------- sweep


def _date_boundaries() -> list[dt.date]:
    """Days on which some measure, suspension, list version or destination restriction
    starts or stops applying, or a watch-list notice's or entry's suspension lapses."""
    days: set[dt.date] = set()
    for model, start, end in (
        (Measure, "effective_from", "effective_to"),
        (Suspension, "starts_on", "ends_on"),
        (DestinationRestriction, "effective_from", "effective_to"),
    ):
        for pair in model.objects.values_list(start, end):
            days.update(d for d in pair if d)
    for model in (WatchNotice, WatchListEntry):
        days.update(
            model.objects.filter(suspended_until__isnull=False).values_list(
                "suspended_until", flat=True
            )
        )
    days.update(
        ApprovedListVersion.objects.filter(status=ListVersionStatus.PUBLISHED).values_list(
            "effective_from", flat=True
        )
    )
    return sorted(days)


def _crosses(boundaries: list[dt.date], lo: dt.date, hi: dt.date) -> bool:
    """Whether some boundary b satisfies lo < b <= hi."""
    return bisect.bisect_right(boundaries, hi) > bisect.bisect_right(boundaries, lo)


def cases_due_for_sweep(today: dt.date | None = None) -> list[int]:
    """Active cases whose latest assessment a date passing since then may have changed.

    A case is due when it was never assessed; when its as-of date moved (no ship date, or
    a ship date already passed: it is today) across a day on which a measure, suspension,
    list version or destination restriction starts or ends or a watch-list suspension
    lapses, its own licence expiry or a document expiry, or into another quota year; when
    its planned ship date has passed since it was assessed; when its licence decision
    date (either end of the range) has passed since then (the decision became overdue); or
    when one of its approved dispositions has reached its expiry (it lapses on the sweep).
    Nothing else about a case depends on today, so no other case is due. The date a
    snapshot was made is its stored `inputs.today`, so the sweep is exact for back-dated
    runs too.
    """
    today = today_default(today)
    boundaries = _date_boundaries()
    rows = (
        Case.objects.filter(status__in=ACTIVE_STATUSES)
        .annotate(
            _assessed_today=KeyTextTransform("today", "latest_assessment__inputs"),
            _due=KeyTextTransform("decision_due", "latest_assessment__versions"),
            _due_latest=KeyTextTransform("decision_due_latest", "latest_assessment__versions"),
        )
        .values_list(
            "pk",
            "planned_ship_date",
            "licence_valid_until",
            "latest_assessment_id",
            "latest_assessment__as_of",
            "_assessed_today",
            "latest_assessment__created_at",
            "_due",
            "_due_latest",
        )
        .order_by("pk")
    )
    expiries: dict[int, list[dt.date]] = defaultdict(list)
    for case_id, expires in Document.objects.filter(
        case__status__in=ACTIVE_STATUSES, expires_on__isnull=False
    ).values_list("case_id", "expires_on"):
        expiries[case_id].append(expires)
    expiring = set(
        Disposition.objects.filter(
            status=DispositionStatus.APPROVED,
            expires_on__lte=today,
            case__status__in=ACTIVE_STATUSES,
        ).values_list("case_id", flat=True)
    )
    due = []
    for pk, ship, valid_until, latest, old_as_of, assessed_today, created, *decision in rows:
        if latest is None or pk in expiring:
            due.append(pk)
            continue
        t0 = dt.date.fromisoformat(assessed_today) if assessed_today else created.date()
        new_as_of = ship if ship and ship >= today else today
        if ship and t0 <= ship < today:
            due.append(pk)  # the ship date has passed since the assessment
            continue
        if any(d and t0 <= dt.date.fromisoformat(d) < today for d in decision):
            due.append(pk)  # the decision became (possibly) overdue since the assessment
            continue
        if new_as_of == old_as_of:
            continue
        lo, hi = sorted((old_as_of, new_as_of))
        own = sorted(
            d
            for day in (valid_until, *expiries.get(pk, ()))
            if day
            for d in (day, day + dt.timedelta(days=1))
        )
        if lo.year != hi.year or _crosses(boundaries, lo, hi) or _crosses(own, lo, hi):
            due.append(pk)
    return due


def cases_behind_changes(changes: Iterable[ReferenceChange], today: dt.date) -> set[int]:
    """Active cases a change matches whose latest assessment is older than the change."""
    ids: set[int] = set()
    for change in changes:
        qs = cases_affected_by(change, today=today).filter(
            Q(latest_assessment__isnull=True)
            | Q(latest_assessment__created_at__lt=change.created_at)
        )
        ids.update(qs.values_list("pk", flat=True))
    return ids

"""Measures (legal instruments) and their suspensions."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from core.types import Actor
from registry.choices import ChangeKind, Confidence
from registry.models import Authority, Element, Measure, Suspension

from ._common import apply_changes
from .changes import reference_change_record
from .keys import MeasureScope, measure_keys, suspension_keys

M2M = ("elements", "issuers")


def _scope(measure: Measure) -> tuple[list[str], list[str]]:
    return sorted(measure.elements.values_list("symbol", flat=True)), list(measure.forms or [])


def measure_scope(measure: Measure) -> MeasureScope:
    """What the measure covers now (for its change keys)."""
    elements, forms = _scope(measure)
    return MeasureScope.of(
        elements=elements, forms=forms, starts=measure.effective_from, ends=measure.effective_to
    )


def _scope_of(snapshot: dict) -> MeasureScope:
    return MeasureScope.of(
        elements=snapshot["elements"],
        forms=snapshot["forms"],
        starts=snapshot["effective_from"],
        ends=snapshot["effective_to"],
    )


def _set_m2m(measure: Measure, elements, issuers) -> None:
    if elements is not None:
        symbols = [e.symbol if isinstance(e, Element) else e for e in elements]
        measure.elements.set(Element.objects.filter(symbol__in=symbols))
    if issuers is not None:
        measure.issuers.set(
            [a if isinstance(a, Authority) else Authority.objects.get(code=a) for a in issuers]
        )


@transaction.atomic
def measure_create(
    *,
    key: str,
    title: str,
    layers: list[str],
    effective_from: date,
    actor: Actor = None,
    effective_to: date | None = None,
    elements: Iterable = (),
    forms: Iterable[str] = (),
    hs_codes: Iterable[str] = (),
    issuers: Iterable = (),
    published_on: date | None = None,
    summary: str = "",
    scope_notes: str = "",
    source: str = "",
    confidence: str = Confidence.CONFIRMED,
    is_demo: bool = False,
) -> Measure:
    measure = Measure(
        key=key,
        title=title,
        layers=list(layers),
        effective_from=effective_from,
        effective_to=effective_to,
        forms=list(forms),
        hs_codes=list(hs_codes),
        published_on=published_on,
        summary=summary,
        scope_notes=scope_notes,
        source=source,
        confidence=confidence,
        is_demo=is_demo,
    )
    if actor is not None:
        measure._history_user = actor
    measure.full_clean()
    measure.save()
    _set_m2m(measure, list(elements), list(issuers))
    reference_change_record(
        kind=ChangeKind.MEASURE,
        summary=f"Measure added: {measure.title}",
        actor=actor,
        source=measure,
        details={"created": True, "new": _snapshot(measure)},
        keys=measure_keys(None, measure_scope(measure)),
    )
    return measure


def _snapshot(measure: Measure) -> dict:
    elements, forms = _scope(measure)
    return {
        "key": measure.key,
        "layers": measure.layers,
        "elements": elements,
        "forms": forms,
        "hs_codes": measure.hs_codes,
        "effective_from": measure.effective_from,
        "effective_to": measure.effective_to,
    }


@transaction.atomic
def measure_update(*, measure: Measure, actor: Actor = None, **changes) -> Measure:
    """Change a measure's fields (`elements`/`issuers` as lists of symbols/codes or objects).

    The keys cover the old and the new scope and the union of the old and new windows, so
    cases that fall out of the measure are re-scored as well as those that fall in.
    """
    measure = Measure.objects.get(pk=measure.pk)
    old = _snapshot(measure)
    elements, issuers = changes.pop("elements", None), changes.pop("issuers", None)
    diff = apply_changes(measure, changes)
    if actor is not None:
        measure._history_user = actor
    measure.full_clean()
    measure.save()
    _set_m2m(measure, elements, issuers)
    new = _snapshot(measure)
    if old["elements"] != new["elements"]:
        diff["elements"] = {"old": old["elements"], "new": new["elements"]}
    if not diff:
        return measure
    reference_change_record(
        kind=ChangeKind.MEASURE,
        summary=f"Measure changed: {measure.title} ({', '.join(sorted(diff))})",
        actor=actor,
        source=measure,
        details={"old": old, "new": new, "changes": diff},
        keys=measure_keys(_scope_of(old), _scope_of(new)),
    )
    return measure


def _suspension_snapshot(s: Suspension) -> dict:
    return {
        "measure": s.measure.key,
        "suspended_by": s.suspended_by.key if s.suspended_by_id else None,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "note": s.note,
    }


@transaction.atomic
def suspension_set(
    *,
    measure: Measure,
    starts_on: date,
    ends_on: date | None,
    actor: Actor = None,
    suspended_by: Measure | None = None,
    note: str = "",
    suspension: Suspension | None = None,
) -> Suspension:
    """Add a suspension to a measure, or change `suspension` (its window, instrument, note).

    Keys: the suspended measure's elements and forms; dates: the union of the old and new
    suspension windows (a shortened suspension re-scores the days it no longer covers).
    """
    old = None
    if suspension is None:
        suspension = Suspension(measure=measure)
    else:
        suspension = Suspension.objects.select_related("measure", "suspended_by").get(
            pk=suspension.pk
        )
        old = _suspension_snapshot(suspension)
        suspension.measure = measure
    suspension.starts_on, suspension.ends_on = starts_on, ends_on
    suspension.suspended_by, suspension.note = suspended_by, note
    if actor is not None:
        suspension._history_user = actor
    suspension.full_clean()
    suspension.save()
    new = _suspension_snapshot(suspension)
    if old == new:
        return suspension
    keys = suspension_keys(
        measure=measure_scope(suspension.measure),
        old=(old["starts_on"], old["ends_on"]) if old else None,
        new=(starts_on, ends_on),
    )
    _suspension_change(suspension, actor, {"old": old, "new": new}, keys)
    return suspension


@transaction.atomic
def suspension_delete(*, suspension: Suspension, actor: Actor = None) -> None:
    old = _suspension_snapshot(suspension)
    keys = suspension_keys(
        measure=measure_scope(suspension.measure),
        old=(suspension.starts_on, suspension.ends_on),
        new=None,
    )
    _suspension_change(suspension, actor, {"old": old, "new": None}, keys)
    if actor is not None:
        suspension._history_user = actor
    suspension.delete()


def _suspension_change(suspension, actor, details, keys) -> None:
    measure = suspension.measure
    until = keys.date_to.isoformat() if keys.date_to else "further notice"
    reference_change_record(
        kind=ChangeKind.SUSPENSION,
        summary=f"Suspension of {measure.key} ({keys.date_from} until {until}) "
        f"{'removed' if details['new'] is None else 'set'}",
        actor=actor,
        source=suspension if details["new"] is not None else measure,
        details=details,
        keys=keys,
    )

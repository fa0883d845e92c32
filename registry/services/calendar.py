"""China's working-day calendar: holidays and make-up working days."""

from datetime import date

from django.db import transaction

from core.types import Actor
from registry.choices import ChangeKind
from registry.models import CalendarDay

from .changes import reference_change_record
from .keys import calendar_keys


@transaction.atomic
def calendar_day_set(
    *, date: date, kind: str | None, actor: Actor = None, name: str = ""
) -> CalendarDay | None:
    """Mark a date as a holiday or make-up working day; kind=None makes it ordinary again.

    Working-day counts (the 45-day licence decision) that pass this date may move, so cases
    shipping on or after it are keyed.
    """
    day = CalendarDay.objects.filter(date=date).first()
    old = {"kind": day.kind, "name": day.name} if day else None
    if kind is None:
        if day is None:
            return None
        if actor is not None:
            day._history_user = actor
        day.delete()
        day = None
    else:
        day = day or CalendarDay(date=date)
        day.kind, day.name = kind, name
        if actor is not None:
            day._history_user = actor
        day.full_clean()
        day.save()
    new = {"kind": day.kind, "name": day.name} if day else None
    if old != new:
        reference_change_record(
            kind=ChangeKind.CALENDAR,
            summary=f"Working-day calendar: {date} is now "
            + (day.get_kind_display().lower() if day else "an ordinary day"),
            actor=actor,
            source=day,
            details={"date": date, "old": old, "new": new},
            keys=calendar_keys(first=date),
        )
    return day

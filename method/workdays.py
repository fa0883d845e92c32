"""Working-day arithmetic in China's official calendar.

MOFCOM decides a dual-use licence within 45 working days of a complete file. Working days
are Monday-Friday, minus the State Council's notice days off, plus the weekend make-up
working days (调休). A year whose notice is not loaded is counted twice: on weekends only
(the earliest the date can be) and with the statutory days already known for that year off
(Decree 795's 13 days, derived from the lunar calendar; a statutory day on a weekend gives a
substitute weekday off; make-up working days cannot be derived and are not counted), the
latest plausible date. The licence factor takes its severity from the latest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from method.inputs import CalendarFacts

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    """A working-day result and the years it had to count without the holiday notice."""

    day: dt.date | None = None  # set by add_working_days
    days: int = 0  # set by working_days_between
    unknown_years: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unknown_years

    @property
    def note(self) -> str:
        if self.complete:
            return ""
        years = ", ".join(str(year) for year in self.unknown_years)
        verb = "notice" if len(self.unknown_years) == 1 else "notices"
        return f"{years} holiday {verb} not loaded: counted weekends only - verify"


@lru_cache(maxsize=64)
def _lookup(calendar: CalendarFacts) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    # Calendars are frozen and hashable, so the sets are built once per calendar.
    return frozenset(calendar.holidays), frozenset(calendar.makeup_workdays)


@lru_cache(maxsize=64)
def _statutory(calendar: CalendarFacts) -> frozenset[dt.date]:
    known = set(calendar.known_years)
    return frozenset(day for day in calendar.statutory_days if day.year not in known)


def is_working_day(day: dt.date, calendar: CalendarFacts) -> bool:
    holidays, makeup = _lookup(calendar)
    if day in makeup:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


# The counts below are pure functions of hashable values, and the cases of one reference
# version share a few calendars and start days (today, the filing days): each count is made
# once per (start, n, calendar) instead of once per case (issue 16, "a faster method").
_COUNTS = 4096


@lru_cache(maxsize=_COUNTS)
def add_working_days_latest(start: dt.date, n: int, calendar: CalendarFacts) -> dt.date:
    """The latest plausible n-th working day after `start`: as `add_working_days`, with
    the derived statutory days of years without a notice taken off (a weekend one costs a
    substitute working day)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    statutory = _statutory(calendar)
    day, counted, needed = start, 0, n
    while counted < needed:
        day += _ONE_DAY
        if day in statutory:
            if day.weekday() >= 5:
                needed += 1  # the substitute day off comes out of the working days
            continue
        if is_working_day(day, calendar):
            counted += 1
    return day


@lru_cache(maxsize=_COUNTS)
def latest_start_for(end: dt.date, n: int, calendar: CalendarFacts) -> dt.date:
    """The last day to start an n-working-day count that ends before `end` on the
    pessimistic calendar (statutory days of years without a notice taken off): the last
    day to file a licence application so that its decision can come before the ship date."""
    if n < 0:
        raise ValueError("n must be >= 0")
    statutory = _statutory(calendar)
    # Count back n working days before `end`: the n-th of them is the first working day
    # the count must include, so the application goes in the day before it.
    day, counted = end, 0
    while counted < n:
        day -= _ONE_DAY
        if day not in statutory and is_working_day(day, calendar):
            counted += 1
    return day - _ONE_DAY


def _unknown_years(first: dt.date, last: dt.date, calendar: CalendarFacts) -> tuple[int, ...]:
    known = set(calendar.known_years)
    return tuple(year for year in range(first.year, last.year + 1) if year not in known)


@lru_cache(maxsize=_COUNTS)
def add_working_days(start: dt.date, n: int, calendar: CalendarFacts) -> WorkdayCount:
    """The n-th working day after `start` (day 1 is the first working day after it)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    counted = 0
    while counted < n:
        day += _ONE_DAY
        if is_working_day(day, calendar):
            counted += 1
    first = start + _ONE_DAY if n else start
    return WorkdayCount(day=day, unknown_years=_unknown_years(first, day, calendar))


@lru_cache(maxsize=_COUNTS)
def working_days_between(start: dt.date, end: dt.date, calendar: CalendarFacts) -> WorkdayCount:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        back = working_days_between(end, start, calendar)
        return WorkdayCount(days=-back.days, unknown_years=back.unknown_years)
    days = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day, calendar):
            days += 1
    first = min(start + _ONE_DAY, end)
    return WorkdayCount(days=days, unknown_years=_unknown_years(first, end, calendar))

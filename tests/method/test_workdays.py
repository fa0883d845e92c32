"""Working days in China's official calendar (china_holidays.yaml examples)."""

from __future__ import annotations

import pytest

from method import CalendarFacts, add_working_days, working_days_between
from tests.method.reference_facts import CALENDAR, WORKING_DAY_EXAMPLES, D


@pytest.mark.parametrize(("received", "day_45"), WORKING_DAY_EXAMPLES)
def test_day_45_matches_the_reference_examples(received: str, day_45: str) -> None:
    result = add_working_days(D(received), 45, CALENDAR)
    assert result.day == D(day_45)
    assert result.complete
    assert result.note == ""


@pytest.mark.parametrize(("received", "day_45"), WORKING_DAY_EXAMPLES)
def test_working_days_between_inverts_add_working_days(received: str, day_45: str) -> None:
    assert working_days_between(D(received), D(day_45), CALENDAR).days == 45


def test_day_one_is_the_first_working_day_after_receipt() -> None:
    # Received on Friday 2026-02-13; Saturday 2026-02-14 is a make-up working day.
    assert add_working_days(D("2026-02-13"), 1, CALENDAR).day == D("2026-02-14")
    # Received Friday 2026-09-18: Monday 2026-09-21 is day 1 (Sunday 2026-09-20 is make-up).
    assert add_working_days(D("2026-09-19"), 1, CALENDAR).day == D("2026-09-20")


def test_notice_days_off_are_skipped() -> None:
    # Spring Festival 2026: Feb 16-20 and Feb 23 are off; Feb 24 is the next working day.
    assert add_working_days(D("2026-02-13"), 2, CALENDAR).day == D("2026-02-24")


def test_zero_days_is_the_start_itself() -> None:
    assert add_working_days(D("2026-03-01"), 0, CALENDAR).day == D("2026-03-01")


def test_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(D("2026-03-01"), -1, CALENDAR)


def test_a_year_without_its_notice_is_counted_on_weekends_only_and_says_so() -> None:
    result = add_working_days(D("2026-12-01"), 45, CALENDAR)
    assert result.unknown_years == (2027,)
    assert not result.complete
    assert result.note == "2027 holiday notice not loaded: counted weekends only - verify"
    # 2027-01-01 (a Friday, statutory New Year) is counted as a working day.
    assert add_working_days(D("2026-12-31"), 1, CALENDAR).day == D("2027-01-01")


def test_span_inside_known_years_is_complete() -> None:
    assert working_days_between(D("2026-01-05"), D("2026-01-09"), CALENDAR).days == 4
    assert working_days_between(D("2026-01-09"), D("2026-01-05"), CALENDAR).days == -4


def test_an_empty_calendar_counts_every_year_as_unknown() -> None:
    result = add_working_days(D("2026-01-01"), 5, CalendarFacts())
    assert result.day == D("2026-01-08")
    assert result.unknown_years == (2026,)

"""The measures timeline (issue 15): every measure on one axis with its suspensions, lapse
warnings, and the open cases each touches, counted with the method's applicability."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.selectors.inputs import assessment_inputs_build
from assessments.selectors.measures import measure_open_cases
from method import applicability
from registry import charts, selectors
from registry.models import Measure, Suspension
from shipments.models import Case
from tests.assessments.factories import SEPARATED, case_create, measure_create

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 2, 1)
URL = "/assessments/reference/measures/timeline/"


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def book(world, officer):
    """A known set of cases on 2026-02-01 (No. 18: Dy etc. separated forms from 2025-04-04;
    No. 57: Eu etc. from 2025-11-08, suspended by No. 70 until 2026-11-10)."""
    el = world.elements
    old = measure_create(
        "old-dy", "An ended Dy measure", layers=["licence"], elements=[el["Dy"]],
        forms=SEPARATED, effective_from=dt.date(2023, 1, 1), effective_to=dt.date(2025, 1, 1),
    )  # fmt: skip
    by_hs = measure_create(
        "hs-only", "A measure by HS line", layers=["reporting"],
        effective_from=dt.date(2025, 1, 1), hs_codes=["2846901920"],
    )  # fmt: skip
    cases = {
        "dy_oxide": case_create(officer, elements=("Dy",), form="oxide"),
        "dy_magnet_hold": case_create(officer, elements=("Dy", "Nd"), status="on_hold"),
        "eu_suspended": case_create(officer, elements=("Eu",), form="metal"),
        "eu_after": case_create(officer, elements=("Eu",), form="metal", ship=dt.date(2026, 12, 1)),
        "dy_closed": case_create(officer, elements=("Dy",), form="oxide", status="closed"),
        "dy_cleared": case_create(officer, elements=("Dy",), form="oxide", status="cleared"),
        "nd_magnet": case_create(officer),
        "by_hs": case_create(officer, elements=("Nd",), form="compound", hs_code="2846901920"),
        # A ship date already passed: judged as of today, inside No. 57's suspension.
        "eu_passed": case_create(officer, elements=("Yb",), form="alloy", ship=dt.date(2025, 1, 5)),
    }
    return {"world": world, "old": old, "by_hs": by_hs, "cases": cases}


def test_open_case_counts_match_the_known_book(book):
    w, c = book["world"], book["cases"]
    counts = measure_open_cases(TODAY)
    no18 = counts[w.no18.pk]
    assert (no18.in_scope, no18.in_force, no18.suspended) == (2, 2, 0)
    assert no18.case_ids == {c["dy_oxide"].pk, c["dy_magnet_hold"].pk}  # not closed/cleared
    no57 = counts[w.no57.pk]
    assert (no57.in_scope, no57.in_force, no57.suspended) == (3, 3, 2)
    assert no57.applies == 1  # only the case shipping after 2026-11-10
    assert counts[w.no70.pk].in_force == 0  # no product scope of its own
    assert counts[w.no70.pk].suspends == 2
    assert counts[book["by_hs"].pk].case_ids == {c["by_hs"].pk}
    ended = counts[book["old"].pk]
    assert (ended.in_scope, ended.in_force) == (2, 0)


def test_the_counts_agree_with_the_methods_inputs_case_by_case(book):
    """The same verdict the assessment's own inputs reach, for every open case."""
    counts = measure_open_cases(TODAY)
    for case in Case.objects.filter(status__in=("open", "on_hold")):
        inputs, _ = assessment_inputs_build(case, today=TODAY)
        in_force = {
            m.id
            for m in inputs.measures
            if applicability.measure_status(m, inputs.case, inputs.as_of).in_force
        }
        counted = {mid for mid, mc in counts.items() if case.pk in mc.case_ids}
        assert counted == in_force, case.reference


def test_the_page_shows_counts_and_links_them_to_the_register_where_it_can(
    officer_client, book, frozen_today
):
    w = book["world"]
    response = officer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    rows = {
        key: row
        for row in re.findall(r"<tr>.*?</tr>", html, re.S)
        for key in re.findall(r"<code>([^<]+)</code>", row)
    }
    no18 = rows[w.no18.key]
    link = re.search(r'<a href="([^"]+)" title="The register filtered on these cases">2</a>', no18)
    assert link, no18
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert sorted(query["element"]) == sorted(e.symbol for e in w.no18.elements.all())
    assert sorted(query["product_form"]) == sorted(SEPARATED)
    assert sorted(query["status"]) == ["on_hold", "open"]
    # The register, so filtered, lists exactly the two counted cases.
    register = officer_client.get(link.group(1).replace("&amp;", "&"))
    assert register.status_code == 200
    listed = set(re.findall(r"LS-T-\d{5}", register.content.decode()))
    assert listed == {
        book["cases"]["dy_oxide"].reference,
        book["cases"]["dy_magnet_hold"].reference,
    }
    # An HS-scoped measure's count has no link: the register cannot filter by HS code.
    hs_row = rows["hs-only"]
    assert "the register cannot filter by HS code" in hs_row
    assert 'title="The register filtered' not in hs_row
    assert re.search(
        r">3</a></td>\s*<td>2 <small[^>]*>\(not applying on their date\)", rows[w.no57.key]
    )
    assert "suspends it for 2 cases" in rows[w.no70.key]


def _suspended_measure(key, starts, ends):
    m = measure_create(key, f"Measure {key}", layers=["licence"], effective_from=starts)
    Suspension.objects.create(measure=m, starts_on=starts, ends_on=ends)
    return m


def test_a_suspension_ending_in_30_days_and_a_lapsed_one_are_warned(viewer_client, db):
    today = timezone.localdate()
    _suspended_measure("soon", today - dt.timedelta(days=100), today + dt.timedelta(days=30))
    _suspended_measure("lapsed", today - dt.timedelta(days=100), today - dt.timedelta(days=3))
    _suspended_measure("far", today - dt.timedelta(days=100), today + dt.timedelta(days=200))
    extended = _suspended_measure(
        "extended", today - dt.timedelta(days=100), today - dt.timedelta(days=3)
    )
    Suspension.objects.create(
        measure=extended, starts_on=today - dt.timedelta(days=3), ends_on=None
    )
    response = viewer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "&#9888; lapses in 30 days, no extension recorded" in svg
    assert f"&#9888; lapsed {today - dt.timedelta(days=3)}, no extension recorded" in svg
    assert svg.count("&#9888;") == 2  # not the far one, not the extended one
    warnings = re.findall(r'<p class="warn lapse-warning">(.*?)</p>', html)
    assert sorted(warnings) == [
        f"Suspension lapsed on {today - dt.timedelta(days=3)}, 3 days ago; no extension "
        "recorded: the measure applies again. Verify.",
        f"Suspension lapses in 30 days ({today + dt.timedelta(days=30)}); no extension "
        f"recorded: the measure applies again from {today + dt.timedelta(days=30)}.",
    ]
    assert "2 suspensions lapse within 60 days or have lapsed" in html


def test_lapse_warnings_ignore_a_suspension_outliving_its_measure(db):
    today = dt.date(2026, 2, 1)
    m = measure_create(
        "ends", "Ends with its suspension", layers=["licence"],
        effective_from=dt.date(2025, 1, 1), effective_to=dt.date(2026, 2, 20),
    )  # fmt: skip
    Suspension.objects.create(
        measure=m, starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2026, 2, 20)
    )
    assert (
        selectors.suspension_lapse_warnings(selectors.measures_with_scope().get(pk=m.pk), today)
        == []
    )


def test_the_timeline_is_one_accessible_svg_with_every_measure_on_one_axis(
    viewer_client, book, frozen_today
):
    html = viewer_client.get(URL).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="measures-timeline-title">' in svg
    assert "<desc" in svg
    assert svg.count('class="tl-row"') == Measure.objects.count()
    # No. 57's suspension is its own cross-hatched band; No. 18 has none.
    assert svg.count('fill="url(#measures-timeline-susp)"') == 1
    assert "layer: suspension" in svg
    assert reverse("assessments:measures_timeline") in html  # in the reference-data nav


def test_timeline_geometry_shares_one_axis():
    items = [
        charts.TimelineItem("a", "A", ("licence",), dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        charts.TimelineItem(
            "b", "B", ("licence",), dt.date(2025, 1, 1), None,
            suspensions=((dt.date(2025, 7, 2), dt.date(2026, 1, 1)),),
        ),
    ]  # fmt: skip
    t = charts.timeline_chart(items, today=dt.date(2025, 7, 2), width=1000, label_width=200)
    assert (t.axis_start, t.axis_end) == (dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    a, b = t.rows
    # a's window ends where b's starts: the same date is the same x on every row.
    assert a.window.x + a.window.width == pytest.approx(b.window.x)
    assert b.window.open_end
    assert b.window.x + b.window.width == pytest.approx(t.plot_x + t.plot_width)
    assert b.suspensions[0].x == pytest.approx(t.today_x)
    assert [tick.label for tick in t.ticks] == ["2024", "2025", "2026", "2027"]
    assert b.y > a.y


def test_a_user_without_view_measure_is_refused(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

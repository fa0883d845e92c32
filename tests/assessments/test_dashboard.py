"""Home: today's work. The figures against a known data set, and each figure's link opens
the register on exactly the cases it counts (issue 15)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.choices import Trigger
from assessments.dashboard import dashboard_figures
from assessments.models import Disposition
from assessments.services import assessment_run
from shipments.models import Case, Document
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(world, officer, second_officer):
    today = timezone.localdate()
    soon = today + dt.timedelta(days=10)
    creg, northern = world.creg_plant, world.northern_plant
    dy = {"elements": ("Dy",), "form": "oxide"}
    cases = {
        # Dy oxide, licence not applied, shipping in 10 days: high, "hold".
        "held_soon": case_create(officer, producer=creg, ship=soon, **dy),
        # NdPr from an approved northern plant, shipping in two months: clear.
        "clear": case_create(officer, producer=northern, ship=today + dt.timedelta(days=60)),
        # Denied licence: critical, "do not ship"; owned by someone else.
        "denied": case_create(
            second_officer, producer=creg, ship=soon, licence_status="denied", **dy
        ),
        # Shipping date passed, still open.
        "passed": case_create(officer, producer=northern, ship=today - dt.timedelta(days=5)),
        # Closed: never counted.
        "closed": case_create(officer, producer=creg, ship=soon, status="closed", **dy),
    }
    Document.objects.create(
        case=cases["clear"], doc_type="contract", status="verified", uploaded_by=officer,
        expires_on=today + dt.timedelta(days=20),
    )  # fmt: skip
    for case in cases.values():
        assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    return cases


def _count(figures, key):
    return next(f.count for f in figures if f.key == key)


def test_the_dashboard_counts_a_known_book(book, officer):
    figures = dashboard_figures(officer, timezone.localdate())
    assert figures["total"] == 4  # the closed case is not open work
    assert figures["mine"].count == 3
    assert _count(figures["bands"], "critical") == 1
    assert _count(figures["verdicts"], "do_not_ship") == 1
    assert _count(figures["verdicts"], "hold") >= 1
    assert _count(figures["attention"], "ship_soon_high") == 2  # held_soon and denied
    assert _count(figures["attention"], "ship_date_passed") == 1
    assert _count(figures["attention"], "documents_expiring") == 1
    assert _count(figures["attention"], "escalated") == 0  # first assessments only
    Case.objects.filter(pk=book["clear"].pk).update(end_use="defence")
    assessment_run(case=book["clear"], trigger=Trigger.EDITED, actor=officer)
    again = dashboard_figures(officer, timezone.localdate())
    assert _count(again["attention"], "escalated") == 1
    assert [a.case_id for a in again["escalated"]] == [book["clear"].pk]


def test_awaiting_my_approval_counts_others_pending_dispositions_only(
    book, officer, second_officer, viewer
):
    Disposition.objects.create(
        case=book["held_soon"], kind="risk_accepted", factor="licence", accepted_severity="high",
        author=second_officer, reason="r", expires_on=timezone.localdate() + dt.timedelta(days=9),
    )  # fmt: skip
    assert dashboard_figures(officer, timezone.localdate())["awaiting"].count == 1
    assert dashboard_figures(second_officer, timezone.localdate())["awaiting"].count == 0
    assert dashboard_figures(viewer, timezone.localdate())["awaiting"] is None


def test_every_dashboard_figure_opens_the_register_on_exactly_those_cases(
    book, officer, officer_client
):
    page = officer_client.get(reverse("home"))
    assert page.status_code == 200
    figures = dashboard_figures(officer, timezone.localdate())
    every = [figures["mine"], *figures["bands"], *figures["verdicts"], *figures["attention"]]
    body = page.content.decode()
    for figure in every:
        assert figure.url.replace("&", "&amp;") in body
        register = officer_client.get(figure.url)
        assert register.status_code == 200, figure.url
        assert register.context["page"].paginator.count == figure.count, figure.key


def test_a_decision_overdue_and_one_due_after_the_ship_date_are_flagged(world, officer):
    today = timezone.localdate()
    overdue = case_create(
        officer, producer=world.creg_plant, elements=("Dy",), form="oxide",
        ship=today + dt.timedelta(days=200), licence_status="applied",
        licence_applied_on=today - dt.timedelta(days=120),
    )  # fmt: skip
    late = case_create(
        officer, producer=world.creg_plant, elements=("Dy",), form="oxide",
        ship=today + dt.timedelta(days=5), licence_status="applied",
        licence_applied_on=today - dt.timedelta(days=1),
    )  # fmt: skip
    for case in (overdue, late):
        assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    figures = dashboard_figures(officer, today)
    assert _count(figures["attention"], "decision_overdue") == 1
    assert _count(figures["attention"], "decision_after_ship") == 1

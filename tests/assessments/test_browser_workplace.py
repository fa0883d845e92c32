"""The officer's workplace in a real browser (issue 15): the dashboard's figures lead to the
register filtered; the register fits 1366 px and works from the keyboard alone; staff publish a
list version through the impact preview and its confirm, and the cases move as previewed; the
dossier prints with its header and sign-off. axe-core (the copy shipped in the
axe-playwright-python test dependency, nothing fetched) finds no serious violation on the
dashboard, the register and the case page."""

import datetime as dt
from collections import Counter
from pathlib import Path

import axe_playwright_python
import pytest

from assessments.choices import Trigger
from assessments.services import assessment_run
from registry import services
from shipments.models import Case
from tests.assessments.factories import case_create
from tests.shipments.test_browser import page  # noqa: F401 (the Chromium fixture)
from tests.shipments.test_browser import sign_in as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
SERIOUS = {"serious", "critical"}


def _axe_serious(tab) -> list[str]:
    tab.evaluate(AXE)
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def book(world, officer):
    cases = [
        case_create(officer, producer=world.creg_plant, elements=("Nd", "Pr")),
        case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy")),
        case_create(officer, producer=world.northern_plant, elements=("Dy",), form="oxide"),
        case_create(officer, producer=world.northern_plant, status="closed"),
    ]
    for case in cases:
        assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    return cases


def test_dashboard_register_and_case_page_have_no_serious_axe_violation(
    page,  # noqa: F811
    live_server,
    book,
    officer,
):
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server, officer, "/")
    page.wait_for_selector("h1")
    assert _axe_serious(page) == []
    page.goto(f"{live_server.url}/cases/")
    page.wait_for_selector("table.register")
    assert _axe_serious(page) == []
    page.goto(f"{live_server.url}/cases/{book[0].pk}/")
    page.wait_for_selector(".verdict-line")
    assert _axe_serious(page) == []


def test_a_dashboard_figure_opens_the_register_with_exactly_its_cases(
    page,  # noqa: F811
    live_server,
    book,
    officer,
):
    from playwright.sync_api import expect

    _sign_in(page, live_server, officer, "/")
    by_band = Counter(Case.objects.exclude(status="closed").values_list("band", flat=True))
    band, count = by_band.most_common(1)[0]
    figure = page.locator("a").filter(has=page.locator(f"span.band-{band}")).first
    expect(figure).to_contain_text(str(count))
    figure.click()
    expect(page.get_by_role("heading", name="Shipment cases")).to_be_visible()
    rows = page.locator("table.register tbody tr")
    expect(rows).to_have_count(count)
    expect(page.locator(".register-head .count")).to_contain_text(f"{count} case")


def test_the_register_fits_1366_and_works_from_the_keyboard(
    page,  # noqa: F811
    live_server,
    book,
    officer,
):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server, officer, "/cases/")
    page.wait_for_selector("table.register")
    # The default columns fit: nothing hides in a scroll box.
    widths = page.evaluate(
        "(() => { const w = document.querySelector('.register-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert widths[0] <= widths[1], widths

    # Tab from the top of the page, never touching the mouse, to the first case's reason.
    first = page.locator("table.register tbody tr").first
    book_reference = first.locator("th a").inner_text()
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "(() => { const a = document.activeElement;"
            " return [a.tagName, a.className, (a.textContent || '').trim().slice(0, 40)]; })()"
        )
        reached.append(active)
        if active[0] == "SUMMARY" and page.evaluate(
            "!!document.activeElement.closest('table.register')"
        ):
            break
    else:
        pytest.fail(f"the keyboard never reached a reason in the register: {reached[-10:]}")
    # The scroll region itself and the case link came before it, in reading order.
    assert [r[:2] for r in reached if r[0] == "DIV"][:1][0] == ["DIV", "table-wrap register-wrap"]
    assert any(r[0] == "A" and r[2] == book_reference for r in reached)
    # Enter opens the full reason.
    page.keyboard.press("Enter")
    expect(first.locator("details.reason-more")).to_have_attribute("open", "")
    expect(first.locator("details.reason-more p").first).to_be_visible()
    # Shift+Tab goes back to the case link; Enter opens the case.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(book_reference)

    # The column chooser, by keyboard: open it, untick Owner, the register follows.
    page.go_back()
    page.wait_for_selector("table.register")
    page.locator(".columns-chooser summary").focus()
    page.keyboard.press("Enter")
    page.locator("#id_col_owner").focus()
    page.keyboard.press("Space")
    expect(page.locator("table.register thead")).not_to_contain_text("Owner")
    page.reload()
    expect(page.locator("table.register thead")).not_to_contain_text("Owner")  # remembered


def test_staff_publish_a_list_through_the_preview_and_the_cases_move_as_shown(
    page,  # noqa: F811
    live_server,
    book,
    world,
    staff_user,
):
    from playwright.sync_api import expect

    draft = services.approved_list_version_create(
        label="Browser list", effective_from=dt.date(2026, 1, 1), copy_from=world.list_2024
    )
    services.approved_list_entry_set(
        version=draft, producer=world.creg_plant, status="removed", note="dropped"
    )
    before = dict(Case.objects.values_list("reference", "band"))
    _sign_in(page, live_server, staff_user, f"/registry/lists/{draft.pk}/publish/")
    expect(page.locator("h1")).to_contain_text("Publish Browser list?")
    impact = page.locator("section.impact")
    expect(impact).to_contain_text("would be re-scored")
    previewed = {}
    for row in page.locator("table.impact-table tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        previewed[cells[0]] = (cells[1].lower(), cells[2].lower())
    assert previewed, "the preview lists the cases the removal moves"
    assert dict(Case.objects.values_list("reference", "band")) == before  # nothing saved yet
    page.get_by_role("button", name="Confirm: publish Browser list").click()
    expect(page.locator(".messages")).to_contain_text("published")
    after = dict(Case.objects.values_list("reference", "band"))
    moved = {ref: (before[ref], after[ref]) for ref in after if after[ref] != before[ref]}
    assert {ref: bands for ref, bands in previewed.items() if bands[0] != bands[1]} == moved


def test_the_dossier_prints_with_its_header_and_sign_off(
    page,  # noqa: F811
    live_server,
    book,
    officer,
    tmp_path,
):
    from playwright.sync_api import expect

    case = book[0]
    _sign_in(page, live_server, officer, f"/cases/{case.pk}/")
    page.get_by_role("link", name="Audit dossier").click()
    expect(page.locator("h1")).to_contain_text(case.reference)
    expect(page.get_by_role("heading", name="Sign-off")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.dossier-tools")).to_be_hidden()
    expect(page.get_by_role("heading", name="Sign-off")).to_be_visible()
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")

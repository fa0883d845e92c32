"""A real browser: an officer signs in, opens a case, uploads a document, finds the case in
the filtered register and reads the timeline."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls that pytest-django
# makes alongside it are safe here (one thread, the live server has its own).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page():
    require_service(CHROMIUM.exists(), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def sign_in(tab, live_server, user, path="/"):
    """Sign `user` in through the login form (password "pw-<username>"), landing on `path`."""
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/?next={path}")
    tab.get_by_label("Username").fill(user.username)
    tab.get_by_label("Password").fill("pw-" + user.username)
    tab.get_by_role("button", name="Sign in").click()


def test_an_officer_opens_a_case_uploads_a_document_and_finds_it(
    page, live_server, officer, elements, tmp_path
):
    from playwright.sync_api import expect

    # Sign in through the login form.
    page.goto(f"{live_server.url}/accounts/login/?next=/cases/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("pw-" + officer.username)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Shipment cases")).to_be_visible()

    # Open a case with two elements.
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Reference").fill("PO-BROWSER-1")
    # The parties formset starts with the buyer, exporter, end user and consignee rows.
    page.get_by_label("Party 1: name").fill("Browser Motors GmbH")
    page.get_by_label("Party 2: name").fill("Baotou Export Co.")
    page.get_by_label("Party 3: name").fill("Browser Motors GmbH")
    page.locator("#id_end_use").select_option("automotive")
    page.get_by_label("Destination").fill("de")
    page.get_by_label("Product form").select_option("oxide")
    page.locator("#id_el_Nd").check()
    page.locator("#id_el_Pr").check()
    page.get_by_label("Neodymium share (%)").fill("75")
    # The HS code suggestions follow the form and elements (htmx); pick one.
    page.locator("#hs-suggest button[data-hs='2846901999']").click()
    expect(page.locator("#id_hs_code")).to_have_value("2846901999")
    page.get_by_label("Quantity (kg)").fill("1500")
    page.get_by_label("Planned ship date").fill("2026-12-15")
    page.get_by_role("button", name="Open case").click()
    expect(page.locator("h1")).to_contain_text("PO-BROWSER-1")
    expect(page.locator(".summary")).to_contain_text("Nd 75%")
    expect(page.locator(".summary")).to_contain_text("Pr")

    # Upload the contract.
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF-1.4 browser test contract")
    page.get_by_text("Upload a document").click()
    page.get_by_label("Type").select_option("contract")
    page.get_by_label("File").set_input_files(str(contract))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".doclist")).to_contain_text("Contract or agreement · Provided")
    # Nd/Pr needs no licence: only the shipment file is asked for, and the page says so.
    expect(page.locator(".documents")).to_contain_text("only the shipment file")

    # Put it on hold inline (htmx): the status block and the timeline update in place.
    page.get_by_label("New status").select_option("on_hold")
    page.get_by_label("Reason").fill("Waiting for the end-user certificate")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#case-status")).to_contain_text("On hold")
    expect(page.locator("#case-timeline")).to_contain_text("Waiting for the end-user certificate")

    # Find it in the filtered register: the filter form updates the table without a reload
    # and keeps the filters in the address bar.
    page.get_by_role("link", name="Cases", exact=True).first.click()
    page.get_by_label("Search").fill("BROWSER")
    page.get_by_label("Search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=BROWSER"))
    expect(page.locator("#case-register")).to_contain_text("1 case")
    page.get_by_role("link", name="PO-BROWSER-1").click()

    # The timeline shows who did what.
    timeline = page.locator("#case-timeline")
    expect(timeline).to_contain_text("Document added: Contract or agreement")
    expect(timeline).to_contain_text("Case PO-BROWSER-1 opened")
    expect(timeline).to_contain_text(officer.username)

    # The assessment panel: a band in words, six factors each with a reason; "Re-assess now"
    # swaps in a new snapshot (htmx) and the history lists it.
    panel = page.locator(".case-assessment")
    expect(panel.locator(".assessment-band .band")).to_have_text(
        re.compile(r"^(Low|Medium|High|Critical)$")
    )
    expect(panel.locator("li.factor")).to_have_count(6)
    page.get_by_role("button", name="Re-assess now").click()
    expect(panel).to_contain_text("on demand by")
    page.get_by_role("link", name="Assessment history").click()
    expect(page.locator("h1")).to_contain_text("Assessment history")
    expect(page.locator("body")).to_contain_text("On demand")

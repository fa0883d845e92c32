"""A real browser walks a disposition's life (issue 14): an officer clears a screening hit as
a false positive, a second officer approves it from the queue, the band drops; staff give the
list entry the party's name as an alias (through the admin's impact preview), the case
reopens, and the owner's e-mail arrives at a real SMTP server."""

import json

import pytest

from assessments.models import Disposition
from shipments.models import Case
from tests.assessments.conftest import FUZZY
from tests.notifications.conftest import smtp_down, smtp_server  # noqa: F401 (fixtures)
from tests.shipments.test_browser import page  # noqa: F401 (fixture)
from tests.shipments.test_browser import sign_in as _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]


def test_clear_approve_band_drops_entry_changes_case_reopens_owner_is_mailed(
    page,  # noqa: F811
    live_server,
    smtp_server,  # noqa: F811
    world,
    flagged,
    officer,
    second_officer,
    staff_user,
    settings,
):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url + "/"
    raw = flagged.band
    assert raw == "high"  # a name score alone: a potential match

    # 1. The officer records the hit as a false positive.
    _sign_in(page, live_server, officer, f"/cases/{flagged.pk}/")
    expect(page.locator(".verdict-line")).to_contain_text("Hold until the end user")
    page.get_by_role("link", name="Record a disposition…").click()
    page.locator("#id_subject").select_option(f"hit:{world.lockheed.pk}:end_user")
    page.locator("#id_kind").select_option("false_positive")
    page.locator("#id_reason").fill("A different firm: Handelsregister extract on file")
    page.get_by_role("button", name="Record, pending approval").click()
    expect(page.locator(".messages")).to_contain_text("pending approval by another officer")
    row = page.locator("li.disposition-pending")
    expect(row).to_contain_text("Pending approval")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)  # not their own
    d = Disposition.objects.get(case=flagged)

    # 2. A second officer approves it from the queue; the band drops.
    _sign_in(page, live_server, second_officer, "/assessments/approvals/")
    expect(page.get_by_role("link", name="Approvals 1 awaiting your approval")).to_be_visible()
    page.get_by_role("button", name=f"Approve #{d.pk}").click()
    expect(page.locator(".messages")).to_contain_text(f"Disposition #{d.pk} approved")
    page.goto(f"{live_server.url}/cases/{flagged.pk}/")
    decided = page.locator(".verdict .decided")
    expect(decided).to_contain_text("the method's raw band is")
    expect(decided).to_contain_text(f"approved by {second_officer.get_full_name()}")
    case = Case.objects.get(pk=flagged.pk)
    assert case.raw_band == raw
    assert case.band not in ("high", "critical")

    # 3. Staff add the party's spelling as an alias, previewing the impact first.
    _sign_in(
        page, live_server, staff_user, f"/admin/registry/watchlistentry/{world.lockheed.pk}/change/"
    )
    page.locator("#id_aliases").fill(json.dumps(["Lockheed Martin", FUZZY]))
    page.get_by_role("button", name="Preview impact on open cases").click()
    expect(page.get_by_text("Impact on open cases")).to_be_visible()
    expect(page.locator("body")).to_contain_text(flagged.reference)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.locator(".messagelist, .messages")).to_contain_text("was changed successfully")

    # 4. The case reopened: re-assessed, the reason names the disposition; the owner is mailed.
    d.refresh_from_db()
    assert d.status == "reopened"
    assert d.status_reason == "the list entry's name or aliases changed"
    case.refresh_from_db()
    assert case.band == "critical"  # a known alias now: the trade ban bites
    _sign_in(page, live_server, officer, f"/cases/{flagged.pk}/")
    expect(page.locator(".reopened")).to_contain_text(
        f"Disposition #{d.pk} reopened: the list entry's name or aliases changed"
    )
    expect(page.locator("li.disposition-reopened")).to_contain_text("Reopened")
    mails = [m for m in smtp_server.handler.to(officer.email) if "reopened" in m["Subject"]]
    assert len(mails) == 1, [m["Subject"] for m in smtp_server.messages]
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert flagged.reference in body
    assert "the list entry's name or aliases changed" in body

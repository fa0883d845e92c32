"""A real browser fills in the case form's parties and upstream sources (search-as-you-type,
rows added and removed without a reload), gets a wrong row named, fixes it, and reads the
sources' reasons and the parties on the case page."""

import re

import pytest

from registry.models import Producer
from shipments.models import Case
from tests.assessments.factories import world_create
from tests.shipments.factories import hs_codes_create
from tests.shipments.test_browser import page  # noqa: F401 (the Chromium fixture, reused)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _pick(tab, field, typed: str, option: str, note: str) -> None:
    """Type part of a name, wait for the suggestion, choose it (a datalist pick fills the
    whole value), and see the registry match confirmed beside the input."""
    from playwright.sync_api import expect

    field.press_sequentially(typed, delay=30)
    list_id = field.get_attribute("list")
    expect(tab.locator(f"#{list_id} option[value='{option}']")).to_have_count(1)
    field.fill(option)
    expect(field.locator("xpath=..").locator("[data-note]")).to_contain_text(note)


def test_an_officer_enters_a_magnet_case_with_two_sources_and_three_parties(
    page,  # noqa: F811
    live_server,
    officer,
):
    from playwright.sync_api import expect

    world = world_create()
    hs_codes_create()
    magnet_maker = Producer.objects.create(kind="magnet_maker", name_en="Ningbo Test Magnetics")

    page.goto(f"{live_server.url}/accounts/login/?next=/cases/new/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("pw-" + officer.username)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("New shipment case")

    page.get_by_label("Reference").fill("PO-MAGNET-1")
    page.get_by_label("Destination").fill("DE")
    page.locator("#id_end_use").select_option("automotive")
    page.get_by_label("Planned ship date").fill("2026-12-15")
    page.get_by_label("Product form").select_option("magnet")
    for symbol in ("Nd", "Pr", "Tb"):
        page.locator(f"#id_el_{symbol}").check()
    page.get_by_label("Neodymium share (%)").fill("29")
    page.get_by_label("HS code").fill("8505111000")
    page.get_by_label("Quantity (kg)").fill("800")

    # Parties: the rows for buyer, exporter, end user and consignee are there already.
    page.get_by_label("Party 1: name").fill("Example Motors GmbH")
    page.get_by_label("Party 1: country").fill("DE")
    page.get_by_label("Party 2: name").fill("Ningbo Test Magnetics Co., Ltd.")
    page.get_by_label("Party 2: country").fill("CN")
    _pick(
        page,
        page.get_by_label("Party 2: registry record"),
        "Ningbo",
        magnet_maker.name_en,
        "✔ Registry: magnet maker",
    )
    page.get_by_label("Party 2: USCC").fill("12345")  # wrong on purpose
    page.get_by_label("Party 3: name").fill("Example Motors GmbH")
    # No consignee: remove its row, keyboard-style; focus stays in the table.
    page.get_by_role("button", name="Remove party 4").press("Enter")
    expect(page.get_by_label("Party 4: name")).to_have_count(0)
    expect(page.locator("#formset-status")).to_have_text("Party 4 removed.")

    # Source 1 is there; the second is added without a reload.
    page.get_by_label("Source 1: input").fill("NdPr")
    _pick(
        page,
        page.get_by_label("Source 1: plant or mine"),
        "Northern",  # a group's name finds its plants
        world.northern_plant.name_en,
        "✔ Registry: China Northern Rare Earth · separation plant",
    )
    page.get_by_label("Source 1: ore category").select_option("light")
    page.get_by_label("Source 1: production year").fill("2026")
    page.locator("#sources").get_by_label("Supplier declaration").first.check()
    page.get_by_role("button", name="+ Add source").click()
    expect(page.get_by_label("Source 2: input")).to_be_focused()
    page.get_by_label("Source 2: input").fill("Tb")
    _pick(
        page,
        page.get_by_label("Source 2: plant or mine"),
        "Ganzhou",
        world.creg_plant.name_en,
        "✔ Registry: China Rare Earth Group · separation plant",
    )
    page.get_by_label("Source 2: ore category").select_option("ionic")
    page.locator("#id_sources-1-evidence_1").check()  # invoice

    # The wrong USCC is named with its row, and nothing is saved.
    page.get_by_role("button", name="Open case").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Nothing was saved.")
    expect(summary).to_contain_text("Party 2, USCC: A Unified Social Credit Code has 18")
    assert not Case.objects.exists()
    uscc = page.get_by_label("Party 2: USCC")
    expect(uscc).to_have_attribute("aria-invalid", "true")
    # Every row came back as typed, the added source and the removed consignee included.
    expect(page.get_by_label("Source 2: plant or mine")).to_have_value(world.creg_plant.name_en)
    expect(page.get_by_label("Party 4: name")).to_have_count(0)
    uscc.fill("")
    page.get_by_role("button", name="Open case").click()

    # The case page: parties, sources, and the reasons that name each source and group.
    expect(page.locator("h1")).to_contain_text("PO-MAGNET-1")
    parties = page.locator("table.case-parties")
    expect(parties.locator("tbody tr")).to_have_count(3)
    expect(parties.locator("tbody tr").nth(1)).to_contain_text("Exporter")
    expect(parties.locator("tbody tr").nth(1)).to_contain_text("Ningbo Test Magnetics Co., Ltd.")
    expect(parties.locator("tbody tr").nth(1)).to_contain_text("magnet maker")
    expect(parties).to_contain_text("End user")
    sources = page.locator("table.case-sources")
    expect(sources.locator("tbody tr").nth(0)).to_contain_text("Baotou Separation Plant")
    expect(sources.locator("tbody tr").nth(0)).to_contain_text("China Northern Rare Earth")
    expect(sources.locator("tbody tr").nth(0)).to_contain_text("✔ Supplier declaration")
    expect(sources.locator("tbody tr").nth(1)).to_contain_text("Ganzhou Separation Plant")
    expect(sources.locator("tbody tr").nth(1)).to_contain_text("✔ Invoice")
    eligibility = page.locator("li.factor-producer_eligibility")
    expect(eligibility).to_contain_text(
        re.compile(r"NdPr: Baotou Separation Plant \(China Northern Rare Earth\)")
    )
    expect(eligibility).to_contain_text(
        re.compile(r"Tb: Ganzhou Separation Plant \(China Rare Earth Group\)")
    )
    expect(page.locator("#case-timeline")).to_contain_text("Case PO-MAGNET-1 opened")

    case = Case.objects.get(reference="PO-MAGNET-1")
    assert (case.buyer, case.exporter, case.end_user, case.consignee) == (
        "Example Motors GmbH",
        "Ningbo Test Magnetics Co., Ltd.",
        "Example Motors GmbH",
        "",
    )
    assert [s.elements for s in case.sources.all()] == [["Nd", "Pr"], ["Tb"]]

"""The case form's parties and upstream-sources formsets, their errors, the lookups behind
search-as-you-type, and the case page's Parties and Upstream sources tables."""

import html
import re

import pytest
from django.urls import reverse

from registry.models import ApprovedListEntry, ApprovedListVersion
from shipments.models import Case, CaseParty, CaseSource, TimelineEvent
from tests.assessments.factories import case_create as case_create_orm
from tests.shipments.factories import case_create_row, group_create, producer_create
from tests.shipments.test_views import edit_data, form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("shipments:case_create")
VALID_USCC = "91110000600037341L"  # GB 32100 check character valid


@pytest.fixture
def northern(elements):
    return group_create(key="china-northern", name="China Northern Rare Earth (Group) Co.")


@pytest.fixture
def plant(northern):
    return producer_create(northern, name_en="Baotou Huamei Rare Earth", name_zh="包头华美")


@pytest.fixture
def magnet_maker(elements):
    return producer_create(None, kind="magnet_maker", name_en="JL Mag Rare-Earth")


def magnet_parties(magnet_maker, **exporter):
    return [
        {"role": "buyer", "name": "Example Motors GmbH", "country": "DE"},
        {
            "role": "exporter",
            "name": "JL Mag Rare-Earth Co., Ltd.",
            "country": "CN",
            "record": magnet_maker.name_en,
            **exporter,
        },
        {"role": "end_user", "name": "Example Motors GmbH", "country": "DE"},
        {"role": "consignee"},
    ]


def magnet(parties, sources, **overrides):
    return form_data(
        parties=parties,
        sources=sources,
        product_form="magnet",
        elements=["Nd", "Pr", "Tb"],
        share_Nd="29",
        hs_code="8505111000",
        **overrides,
    )


def errors_of(response) -> str:
    """The page's error summary as text."""
    body = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    assert match, "no error summary on the page"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


@pytest.fixture
def post(officer_client, officer):
    """POST the new-case form as the officer, who owns the case."""

    def _post(data):
        data.setdefault("owner", officer.pk)
        return officer_client.post(CREATE, data)

    return _post


# --- creating --------------------------------------------------------------------------


def test_the_new_case_form_starts_with_rows_for_the_main_parties_and_one_source(
    officer_client, elements
):
    response = officer_client.get(CREATE)
    parties, sources = response.context["parties"], response.context["sources"]
    assert [f["role"].value() for f in parties.forms] == [
        "buyer",
        "exporter",
        "end_user",
        "consignee",
    ]
    assert len(sources.forms) == 1
    body = response.content.decode()
    # No headline name inputs: a party's name is typed once, in the formset.
    assert 'name="buyer"' not in body
    assert 'name="end_user"' not in body
    # Every input of a row has a label naming the row.
    assert (
        '<label class="sr-only" for="id_parties-1-uscc">Party <span class="row-no-text">2' in body
    )
    assert (
        '<label class="sr-only" for="id_sources-0-plant">Source <span class="row-no-text">1' in body
    )
    # The empty row the script copies, and the lookups it calls.
    assert "id_parties-__prefix__-name" in body
    assert reverse("shipments:lookup_producers") in body


def test_a_magnet_case_with_sources_and_parties_is_created_through_the_form(
    post, officer, plant, magnet_maker
):
    creg_plant = producer_create(group_create(name="China Rare Earth Group"), name_en="Ganzhou")
    sources = [
        {
            "label": "NdPr",
            "plant": plant.name_en,
            "ore_category": "light",
            "production_year": "2026",
            "evidence": ["supplier_declaration", "invoice"],
        },
        # The script sets the id of the suggestion picked; the name still has to match it.
        {
            "label": "Tb",
            "plant": "ganzhou",
            "producer": str(creg_plant.pk),
            "ore_category": "ionic",
        },
        {"label": "", "elements": "", "plant": ""},  # a blank row is no row
    ]
    response = post(magnet(magnet_parties(magnet_maker), sources))
    assert response.status_code == 302, errors_of(response)
    case = Case.objects.get(reference="PO-NEW-1")
    assert (case.buyer, case.exporter, case.end_user, case.consignee) == (
        "Example Motors GmbH",
        "JL Mag Rare-Earth Co., Ltd.",
        "Example Motors GmbH",
        "",
    )
    parties = list(case.parties.values_list("role", "name", "country", "producer"))
    assert parties == [
        ("buyer", "Example Motors GmbH", "DE", None),
        ("exporter", "JL Mag Rare-Earth Co., Ltd.", "CN", magnet_maker.pk),
        ("end_user", "Example Motors GmbH", "DE", None),
    ]
    rows = list(
        case.sources.values_list("label", "elements", "producer", "ore_category", "evidence")
    )
    assert rows == [
        ("NdPr", ["Nd", "Pr"], plant.pk, "light", ["supplier_declaration", "invoice"]),
        ("Tb", ["Tb"], creg_plant.pk, "ionic", []),
    ]
    reasons = " ".join(f["reason"] for f in case.latest_assessment.factors)
    assert f"NdPr: {plant.name_en} (China Northern Rare Earth" in reasons


def test_a_plant_not_in_the_registry_is_kept_as_declared(post, magnet_maker):
    sources = [{"label": "NdPr", "plant": "Unknown Smelter Ltd", "evidence": ["invoice"]}]
    response = post(magnet(magnet_parties(magnet_maker), sources))
    assert response.status_code == 302, errors_of(response)
    source = CaseSource.objects.get()
    assert (source.producer, source.plant_name) == (None, "Unknown Smelter Ltd")


# --- errors: named by row, nothing saved -------------------------------------------------


@pytest.mark.parametrize(
    ("exporter", "sources", "message"),
    [
        (
            {"uscc": "12345"},
            [],
            "Party 2, USCC: A Unified Social Credit Code has 18 characters; this one has 5.",
        ),
        (
            {"uscc": VALID_USCC[:-1] + "0"},
            [],
            "Party 2, USCC: The check character of this Unified Social Credit Code",
        ),
        ({"country": "Germany"}, [], "Party 2, Country: Ensure this value has at most 2"),
        ({"record": "No Such Maker"}, [], "Party 2, Registry record: No registry record is named"),
        (
            {},
            [{"label": "Dy", "plant": "Baotou Huamei Rare Earth"}],
            "Source 1, Elements: Dy is not among the case's elements (Pr, Nd, Tb).",
        ),
        (
            {},
            [{"label": "NdPr", "plant": "JL Mag Rare-Earth"}],
            "Source 1, Plant (or mine): JL Mag Rare-Earth is a magnet maker, not a separation "
            "plant or mine",
        ),
        ({}, [{"label": "NdPr", "plant": ""}], "Source 1, Plant (or mine): Name the separation"),
        (
            {},
            [{"label": "NdPr", "plant": "Baotou Huamei Rare Earth", "production_year": "1800"}],
            "Source 1, Year: A production year from 1990.",
        ),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_saved(
    post, plant, magnet_maker, exporter, sources, message
):
    response = post(magnet(magnet_parties(magnet_maker, **exporter), sources))
    assert response.status_code == 200
    summary = errors_of(response)
    assert "Nothing was saved." in summary
    assert message in summary
    assert not Case.objects.exists()
    assert not CaseParty.objects.exists()
    assert not CaseSource.objects.exists()


def test_the_error_sits_on_the_field_of_its_row(post, magnet_maker):
    response = post(magnet(magnet_parties(magnet_maker, uscc="12345"), []))
    body = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_parties-1-uscc_error"' in body
    assert re.search(
        r'<ul class="errorlist cell-errors" id="id_parties-1-uscc_error"><li>A '
        r"Unified Social Credit Code has 18 characters",
        body,
    )
    # The rows come back as typed.
    assert 'value="JL Mag Rare-Earth Co., Ltd."' in body


def test_row_numbers_follow_the_page_when_a_row_is_removed_or_blank(post, elements):
    parties = [
        {"role": "buyer", "name": "Removed Buyer", "DELETE": "on"},
        {"role": "buyer", "name": "Example Motors GmbH"},
        {"role": "consignee"},  # blank: not sent, but numbered on the page
        {"role": "exporter", "name": "Baotou Export Co.", "uscc": "ABC"},
        {"role": "end_user", "name": "Example Motors GmbH"},
    ]
    response = post(form_data(parties=parties))
    # The service saw the exporter as its party 2; the page shows it as row 3.
    assert "Party 3, USCC: A Unified Social Credit Code has 18 characters" in errors_of(response)
    assert not Case.objects.exists()


def test_the_buyer_exporter_and_end_user_are_required(post, elements):
    parties = [{"role": "buyer", "name": "Example Motors GmbH"}, {"role": "exporter"}]
    response = post(form_data(parties=parties))
    summary = errors_of(response)
    assert "Add the exporter and the end user" in summary
    assert not Case.objects.exists()


def test_a_second_party_in_a_single_role_is_refused(post, elements):
    parties = [
        {"role": "buyer", "name": "Example Motors GmbH"},
        {"role": "exporter", "name": "Baotou Export Co."},
        {"role": "end_user", "name": "Example Motors GmbH"},
        {"role": "exporter", "name": "Second Exporter Ltd"},
    ]
    response = post(form_data(parties=parties))
    assert "Party 4, Role: the case already has an exporter (party 2)" in errors_of(response)
    assert not Case.objects.exists()


def test_a_row_without_a_role_or_name_is_refused(post, elements):
    rows = [
        {"role": "buyer", "name": "Example Motors GmbH"},
        {"role": "exporter", "name": "Baotou Export Co."},
        {"role": "end_user", "name": "Example Motors GmbH"},
        {"role": "", "name": "Who Is This GmbH"},
        {"role": "trader", "name": "", "uscc": VALID_USCC},
    ]
    summary = errors_of(post(form_data(parties=rows)))
    assert "Party 4, Role: Choose the party's role." in summary
    assert "Party 5, Name: Give the party's name." in summary


# --- editing ---------------------------------------------------------------------------


def test_editing_a_case_saved_before_parties_starts_from_its_party_names(
    officer_client, officer, elements
):
    case = case_create_row(owner=officer, consignee="Forwarding GmbH")
    response = officer_client.get(reverse("shipments:case_edit", kwargs={"pk": case.pk}))
    rows = [(f["role"].value(), f["name"].value()) for f in response.context["parties"].forms]
    assert rows == [
        ("buyer", case.buyer),
        ("exporter", case.exporter),
        ("end_user", case.end_user),
        ("consignee", "Forwarding GmbH"),
    ]


def test_editing_parties_and_sources_replaces_them_and_records_the_timeline(
    officer_client, officer, plant, magnet_maker
):
    case = case_create_orm(officer, producer=plant, elements=("Nd", "Pr"))
    url = reverse("shipments:case_edit", kwargs={"pk": case.pk})
    data = edit_data(officer_client, case)
    # The edit page shows the saved source with its registry match.
    page = officer_client.get(url).content.decode()
    assert "✔ Registry: China Northern Rare Earth · separation plant" in page
    data.update(
        {
            "parties-1-name": "JL Mag Rare-Earth Co., Ltd.",
            "parties-1-record": magnet_maker.name_en,
            "sources-0-evidence": [],
            "sources-0-note": "declaration expired",
        }
    )
    response = officer_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    case.refresh_from_db()
    assert case.exporter == "JL Mag Rare-Earth Co., Ltd."
    assert case.parties.get(role="exporter").producer == magnet_maker
    assert case.sources.get().evidence == []
    fields = set(TimelineEvent.objects.filter(case=case).values_list("data__field", flat=True))
    assert {"parties", "sources", "exporter"} <= fields


def test_a_wrong_row_on_edit_changes_nothing(officer_client, officer, plant):
    case = case_create_orm(officer, producer=plant, elements=("Nd", "Pr"))
    data = edit_data(officer_client, case, quantity_kg="5", **{"sources-0-elements": "Nd Dy"})
    response = officer_client.post(reverse("shipments:case_edit", kwargs={"pk": case.pk}), data)
    assert "Source 1, Elements: Dy is not among the case's elements" in errors_of(response)
    case.refresh_from_db()
    assert case.quantity_kg == 1000
    assert case.sources.get().elements == ["Nd", "Pr"]


# --- lookups ---------------------------------------------------------------------------


def test_the_producer_lookup_searches_names_and_groups(officer_client, plant, magnet_maker):
    url = reverse("shipments:lookup_producers")
    names = lambda **q: [r["name"] for r in officer_client.get(url, q).json()["results"]]  # noqa: E731
    assert names(q="huamei") == [plant.name_en]
    assert names(q="Northern") == [plant.name_en]  # by group
    assert names(q="包头") == [plant.name_en]
    assert names(q="Rare") == [plant.name_en, magnet_maker.name_en]
    assert names(q="Rare", upstream="1") == [plant.name_en]  # sources name plants and mines
    assert names(q="") == []
    first = officer_client.get(url, {"q": "huamei"}).json()["results"][0]
    assert first == {
        "id": plant.pk,
        "name": plant.name_en,
        "name_zh": "包头华美",
        "kind": "separation_plant",
        "kind_label": "separation plant",
        "group": "China Northern Rare Earth (Group) Co.",
        "uscc": "",
    }


def test_the_party_lookup_offers_parties_of_other_cases_with_their_identifiers(
    officer_client, officer, magnet_maker
):
    for _ in range(2):
        case = case_create_row(owner=officer)
        CaseParty.objects.create(
            case=case,
            role="exporter",
            name="JL Mag Rare-Earth Co., Ltd.",
            country="CN",
            uscc=VALID_USCC,
            producer=magnet_maker,
        )
    CaseParty.objects.create(case=case, role="trader", name="JL Mag Rare-Earth Co., Ltd.")
    results = officer_client.get(reverse("shipments:lookup_parties"), {"q": "jl mag"}).json()
    assert results["results"] == [
        {
            "name": "JL Mag Rare-Earth Co., Ltd.",
            "country": "CN",
            "uscc": VALID_USCC,
            "lei": "",
            "registry_number": "",
            "producer": magnet_maker.pk,
            "record": "JL Mag Rare-Earth",
            "cases": 2,
        }
    ]
    by_uscc = officer_client.get(reverse("shipments:lookup_parties"), {"q": VALID_USCC[:8]})
    assert len(by_uscc.json()["results"]) == 1


@pytest.mark.parametrize("name", ["shipments:lookup_producers", "shipments:lookup_parties"])
def test_the_lookups_need_login_and_the_case_permission(client, no_role_user, viewer, name):
    url = reverse(name)
    assert client.get(url, {"q": "x"}).status_code in (302, 403)
    client.force_login(no_role_user)
    assert client.get(url, {"q": "x"}).status_code == 403
    client.force_login(viewer)
    assert client.get(url, {"q": "x"}).status_code == 200


# --- the case page ---------------------------------------------------------------------


def test_the_case_page_shows_parties_and_sources_with_the_list_and_its_confidence(
    post, officer_client, officer, plant, magnet_maker
):
    version = ApprovedListVersion.objects.create(
        label="Reported plants 2026",
        status="published",
        effective_from="2024-01-01",
        confidence="reported",
        published_at="2026-01-01T00:00:00Z",
    )
    ApprovedListEntry.objects.create(version=version, producer=plant)
    unlisted = producer_create(plant.group, name_en="Gansu Plant")
    response = post(
        magnet(
            magnet_parties(magnet_maker, uscc=VALID_USCC),
            [
                {"label": "NdPr", "plant": plant.name_en, "evidence": ["invoice"]},
                {"label": "Tb", "plant": unlisted.name_en},
            ],
        ),
    )
    assert response.status_code == 302, errors_of(response)
    page = officer_client.get(response["Location"]).content.decode()
    parties = re.search(r'<table class="case-parties">.*?</table>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", parties))
    assert "Exporter JL Mag Rare-Earth Co., Ltd. CN USCC " + VALID_USCC in text
    assert "JL Mag Rare-Earth magnet maker" in text
    assert f"?producer={magnet_maker.pk}" in parties  # the registry link
    sources = re.search(r'<table class="case-sources">.*?</p>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", sources))
    assert "NdPr Baotou Huamei Rare Earth 包头华美 China Northern Rare Earth · separation" in text
    assert "✔ Invoice" in text
    assert "✖ no evidence" in text  # the Tb source: a mark, not colour alone
    assert "✔ approved" in text
    assert "✖ not on the list" in text
    assert "Approved list used: Reported plants 2026 (in force from 2024-01-01) — reported" in text
    assert "not MIIT's own list" in text


def test_a_case_without_sources_says_so(officer_client, officer, elements):
    case = case_create_row(owner=officer)
    page = officer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert "✖ No upstream source declared" in page.content.decode()


def test_the_register_shows_sources_and_the_new_filter_labels(
    officer_client, officer, plant, magnet_maker
):
    sourced = case_create_orm(officer, producer=plant, elements=("Nd", "Pr"), evidence=())
    exported = case_create_orm(officer, producer=magnet_maker, elements=("Nd",))
    url = reverse("shipments:case_list")
    body = officer_client.get(url, {"status": "open"}).content.decode()
    assert "Producer (source or party)" in body
    assert "Source group" in body
    assert "Upstream sources" in body
    assert "NdPr</span>: Baotou Huamei Rare Earth" in body
    assert "✖ no evidence" in body
    # The producer filter reaches a case through a party's registry record too.
    body = officer_client.get(url, {"producer": magnet_maker.pk}).content.decode()
    assert exported.reference in body
    assert sourced.reference not in body
    body = officer_client.get(url, {"group": plant.group_id}).content.decode()
    assert sourced.reference in body
    assert exported.reference not in body

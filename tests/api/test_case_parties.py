"""A case's parties and upstream sources over the API: nested, validated by the service,
errors naming the row and the field, nothing saved when anything is wrong."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment
from shipments.models import Case, CaseParty, CaseSource
from tests.api.conftest import field_errors
from tests.api.factories import (
    case_create,
    case_payload,
    evidenced_source,
    magnet_payload,
    magnet_world,
    uscc_make,
)

CASES = "/api/v1/cases/"


def detail(pk) -> str:
    return f"{CASES}{pk}/"


@pytest.fixture
def magnets(world):
    return magnet_world(world)


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), CaseParty.objects.count(), CaseSource.objects.count()


def test_a_magnet_case_with_two_sources_and_three_parties_reads_back_as_sent(magnets, officer_api):
    body = magnet_payload(magnets)
    r = officer_api.post(CASES, body, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert officer_api.get(detail(data["id"])).json() == data

    exporter = magnets["jl_mag"]
    assert data["parties"] == [
        {
            "role": "buyer",
            "name": "Magnetics GmbH",
            "country": "DE",
            "uscc": "",
            "lei": "",
            "registry_number": "",
            "producer": None,
            "producer_name": None,
        },
        {
            "role": "exporter",
            "name": "JL Mag Rare-Earth Co., Ltd.",
            "country": "CN",
            "uscc": body["parties"][1]["uscc"],
            "lei": "",
            "registry_number": "",
            "producer": exporter.pk,
            "producer_name": "JL Mag Rare-Earth",
        },
        {
            "role": "end_user",
            "name": "Motorwerke AG",
            "country": "DE",
            "uscc": "",
            "lei": body["parties"][2]["lei"],
            "registry_number": "",
            "producer": None,
            "producer_name": None,
        },
    ]
    # The Case row's names follow the parties.
    assert (data["buyer"], data["exporter"], data["end_user"]) == (
        "Magnetics GmbH",
        "JL Mag Rare-Earth Co., Ltd.",
        "Motorwerke AG",
    )
    huamei, creg = magnets["huamei"], magnets["creg_plant"]
    assert data["sources"] == [
        {
            "label": "NdPr",
            "elements": ["Nd", "Pr"],
            "producer": huamei.pk,
            "producer_name": "Baotou Huamei Rare Earth Hi-Tech",
            "group": magnets["northern"].pk,
            "group_name": "China Northern Rare Earth Group",
            "plant_name": "",
            "ore_category": "light",
            "production_year": 2026,
            "evidence": ["supplier_declaration", "invoice"],
            "note": "",
        },
        {
            "label": "Tb",
            "elements": ["Tb"],
            "producer": creg.pk,
            "producer_name": "Ganzhou Separation Co.",
            "group": creg.group_id,
            "group_name": "China Rare Earth Group",
            "plant_name": "",
            "ore_category": "ionic",
            "production_year": 2026,
            "evidence": ["supplier_declaration", "invoice"],
            "note": "",
        },
    ]
    assert "producer" not in data  # the first edition's field, gone
    assert "group" not in data
    assert counts() == (1, 3, 2)


def test_a_magnet_makers_case_is_judged_by_its_evidenced_sources(magnets, officer_api):
    r = officer_api.post(CASES, magnet_payload(magnets), format="json")
    assessment = officer_api.get(f"{detail(r.json()['id'])}assessment/").json()
    factors = {f["factor"]: f for f in assessment["factors"]}
    for name in ("producer_eligibility", "quota_headroom"):
        assert factors[name]["severity"] not in {"high", "critical"}, factors[name]
        reason = factors[name]["reason"]
        assert "NdPr: Baotou Huamei Rare Earth Hi-Tech (China Northern Rare Earth Group)" in reason
        assert "Tb: Ganzhou Separation Co. (China Rare Earth Group)" in reason
    assert "3 parties screened" in factors["end_use"]["reason"]


def test_a_source_may_name_a_plant_that_is_not_in_the_registry(magnets, officer_api):
    body = magnet_payload(magnets)
    body["sources"][1] = {"elements": ["Tb"], "plant_name": "Unlisted Tb Works"}
    r = officer_api.post(CASES, body, format="json")
    assert r.status_code == 201, r.json()
    source = r.json()["sources"][1]
    assert (source["label"], source["producer"], source["plant_name"]) == (
        "Tb",
        None,
        "Unlisted Tb Works",
    )
    assert source["group"] is None
    assert source["evidence"] == []


def _set(path: str, value):
    """A change to the magnet body: `path` like "sources.0.producer" or "parties.+" (append)."""

    def apply(body: dict, magnets: dict) -> None:
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        resolved = value(magnets) if callable(value) else copy.deepcopy(value)
        if last == "+":
            target.append(resolved)
        else:
            target[int(last) if last.isdigit() else last] = resolved

    return apply


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            _set("sources.0.producer", 999999),
            "sources",
            "Source 1 (producer): no registry producer has id 999999.",
            id="unknown-plant-id",
        ),
        pytest.param(
            _set("sources.1.elements", ["Dy"]),
            "sources",
            "Source 2 (elements): Dy is not among the case's elements",
            id="element-not-in-the-case",
        ),
        pytest.param(
            _set("parties.+", {"role": "buyer", "name": "Second Buyer GmbH"}),
            "parties",
            "Party 4 (role): the case already has a buyer (party 1)",
            id="two-buyers",
        ),
        pytest.param(
            _set("parties.1.uscc", uscc_make()[:17] + "X"),
            "parties",
            "Party 2 (uscc): ",
            id="uscc-check-character",
        ),
        pytest.param(
            _set("parties.1.uscc", "91360700"),
            "parties",
            "Party 2 (uscc): A Unified Social Credit Code has 18 characters",
            id="uscc-length",
        ),
        pytest.param(
            _set("parties.2.lei", "NOT-A-LEI"),
            "parties",
            "Party 3 (lei): ",
            id="bad-lei",
        ),
        pytest.param(
            _set("parties.0.role", "broker"),
            "parties",
            "Party 1 (role): “broker” is not a role",
            id="unknown-role",
        ),
        pytest.param(
            _set("parties.1.producer", 999999),
            "parties",
            "Party 2 (producer): no registry producer has id 999999.",
            id="unknown-party-record",
        ),
        pytest.param(
            _set("sources.0.evidence", ["supplier_declaration", "rumour"]),
            "sources",
            "Source 1 (evidence): unknown document type(s) rumour",
            id="unknown-evidence-type",
        ),
        pytest.param(
            _set("sources.0.ore_category", "volcanic"),
            "sources",
            "Source 1 (ore_category): “volcanic” is not an ore category",
            id="unknown-ore-category",
        ),
        pytest.param(
            _set("sources.0.producer", lambda m: m["jl_mag"].pk),
            "sources",
            "Source 1 (producer): JL Mag Rare-Earth is a magnet maker, not a separation plant",
            id="magnet-maker-as-source",
        ),
        pytest.param(
            _set("sources.1", {"elements": ["Tb"]}),
            "sources",
            "Source 2 (producer): choose the plant from the registry or type its name.",
            id="source-without-a-plant",
        ),
        pytest.param(
            _set("sources.0.production_year", 1850),
            "sources",
            "Source 1 (production_year): ",
            id="production-year-out-of-range",
        ),
        pytest.param(
            _set("buyer", "Another Buyer GmbH"),
            "buyer",
            "“Another Buyer GmbH” here but “Magnetics GmbH” in the parties list",
            id="headline-name-disagrees-with-party",
        ),
    ],
)
def test_a_bad_party_or_source_is_a_400_naming_row_and_field_and_nothing_is_saved(
    magnets, officer_api, change, field, message
):
    body = magnet_payload(magnets)
    change(body, magnets)
    before = counts()
    errors = field_errors(officer_api.post(CASES, body, format="json"))
    assert any(m.startswith(message) for m in errors.get(field, [])), errors
    assert counts() == before == (0, 0, 0)


def test_every_bad_row_is_reported_at_once(magnets, officer_api):
    body = magnet_payload(magnets)
    body["sources"][0]["producer"] = 999999
    body["sources"][1]["elements"] = ["Dy"]
    body["parties"][1]["uscc"] = "91360700"
    errors = field_errors(officer_api.post(CASES, body, format="json"))
    assert [m.split(":")[0] for m in errors["sources"]] == [
        "Source 1 (producer)",
        "Source 2 (elements)",
    ]
    assert [m.split(":")[0] for m in errors["parties"]] == ["Party 2 (uscc)"]
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("rows", "value", "path"),
    [
        ("sources", {"elements": "Nd"}, "sources.0.elements"),
        ("sources", {"elements": ["Nd"], "production_year": "soon"}, "sources.0.production_year"),
        ("sources", {"elements": ["Nd"], "producer": "abc"}, "sources.0.producer"),
        ("sources", {"elements": ["Nd"], "evidence": "invoice"}, "sources.0.evidence"),
        ("sources", "NdPr", "sources"),
        ("parties", {"name": "No Role Ltd"}, "parties.0.role"),
        ("parties", {"role": "buyer", "name": "A\x00B"}, "parties.0.name"),
        ("parties", {"role": "buyer", "name": "B", "producer": [1]}, "parties.0.producer"),
    ],
)
def test_a_row_of_the_wrong_type_is_a_400_naming_its_path(magnets, officer_api, rows, value, path):
    body = magnet_payload(magnets)
    body[rows] = [value] if isinstance(value, dict) else value
    errors = field_errors(officer_api.post(CASES, body, format="json"))
    assert path in errors, errors
    assert counts() == (0, 0, 0)


def test_the_names_may_come_from_the_parties_alone_but_not_from_nowhere(magnets, officer_api):
    body = magnet_payload(magnets)
    body["parties"] = [p for p in body["parties"] if p["role"] != "end_user"]
    errors = field_errors(officer_api.post(CASES, body, format="json"))
    assert set(errors) == {"end_user"}
    assert counts() == (0, 0, 0)


# --- the deprecated declared producer ------------------------------------------------------


def test_the_deprecated_producer_still_works_a_plant_becomes_a_source(magnets, officer_api):
    huamei = magnets["huamei"]
    r = officer_api.post(CASES, case_payload(producer=huamei.pk), format="json")
    assert r.status_code == 201, r.json()
    (source,) = r.json()["sources"]
    assert source["elements"] == ["Nd", "Dy"]
    assert (source["producer"], source["group"], source["evidence"]) == (
        huamei.pk,
        magnets["northern"].pk,
        [],
    )
    assert "producer" not in r.json()  # write-only
    # No evidence for the source: the method says so.
    assessment = officer_api.get(f"{detail(r.json()['id'])}assessment/").json()
    reasons = " ".join(f["reason"] for f in assessment["factors"])
    assert "not evidenced" in reasons


def test_the_deprecated_producer_as_a_magnet_maker_becomes_the_exporters_record(
    magnets, officer_api
):
    r = officer_api.post(CASES, case_payload(producer=magnets["jl_mag"].pk), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["sources"] == []
    exporter = next(p for p in data["parties"] if p["role"] == "exporter")
    assert (exporter["name"], exporter["producer"]) == ("Ganzhou Trading Ltd", magnets["jl_mag"].pk)


def test_the_deprecated_producer_cannot_be_changed(magnets, officer, officer_api):
    case = case_create(actor=officer, producer=magnets["huamei"])
    r = officer_api.patch(detail(case.pk), {"producer": magnets["creg_plant"].pk}, format="json")
    assert "sources" in field_errors(r)["producer"][0]
    assert list(case.sources.values_list("producer", flat=True)) == [magnets["huamei"].pk]


# --- changing the lists --------------------------------------------------------------------


@pytest.fixture
def magnet_case(magnets, officer_api) -> dict:
    r = officer_api.post(CASES, magnet_payload(magnets), format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def test_patching_parties_or_sources_replaces_the_lists(magnets, magnet_case, officer_api):
    url = detail(magnet_case["id"])
    sources = [evidenced_source(magnets["creg_plant"], ["Nd", "Pr", "Tb"], label="NdPrTb")]
    r = officer_api.patch(url, {"sources": sources}, format="json")
    assert r.status_code == 200, r.json()
    assert [s["label"] for s in r.json()["sources"]] == ["NdPrTb"]
    assert r.json()["parties"] == magnet_case["parties"]  # not sent: kept

    parties = [
        {"role": "buyer", "name": "Neue Magnetics GmbH", "country": "DE"},
        {"role": "exporter", "name": "JL Mag Rare-Earth Co., Ltd.", "country": "CN"},
        {"role": "end_user", "name": "Motorwerke AG"},
        {"role": "forwarder", "name": "Shanghai Freight"},
        {"role": "forwarder", "name": "Hamburg Freight"},
    ]
    r = officer_api.patch(url, {"parties": parties}, format="json")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert [(p["role"], p["name"]) for p in data["parties"]] == [
        (p["role"], p["name"]) for p in parties
    ]
    assert data["buyer"] == "Neue Magnetics GmbH"
    assert data["sources"][0]["label"] == "NdPrTb"
    assert CaseParty.objects.count() == 5
    assert CaseSource.objects.count() == 1


def test_sending_back_what_was_read_changes_nothing(magnet_case, officer_api):
    url = detail(magnet_case["id"])
    before = Assessment.objects.count()
    body = {"parties": magnet_case["parties"], "sources": magnet_case["sources"]}
    r = officer_api.patch(url, body, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["parties"] == magnet_case["parties"]
    assert r.json()["sources"] == magnet_case["sources"]
    assert Assessment.objects.count() == before  # nothing changed: not re-assessed


def test_a_bad_patch_of_the_lists_saves_nothing(magnet_case, officer_api):
    url = detail(magnet_case["id"])
    sources = [*magnet_case["sources"], {"elements": ["Dy"], "plant_name": "X"}]
    parties = [*magnet_case["parties"], {"role": "end_user", "name": "Second End User"}]
    r = officer_api.patch(url, {"sources": sources, "parties": parties}, format="json")
    errors = field_errors(r)
    assert errors["sources"][0].startswith("Source 3 (elements): Dy is not among")
    assert errors["parties"][0].startswith("Party 4 (role): the case already has a")
    now = officer_api.get(url).json()
    assert (now["parties"], now["sources"]) == (magnet_case["parties"], magnet_case["sources"])


def test_changing_the_elements_checks_the_sources_against_them(magnet_case, officer_api):
    r = officer_api.patch(
        detail(magnet_case["id"]),
        {"elements": [{"symbol": "Nd"}, {"symbol": "Pr"}]},
        format="json",
    )
    assert field_errors(r)["sources"][0].startswith("Source 2 (elements): Tb is not among")


def test_a_viewer_cannot_change_the_lists(magnet_case, viewer_api):
    r = viewer_api.patch(detail(magnet_case["id"]), {"sources": []}, format="json")
    assert r.status_code == 403
    assert CaseSource.objects.count() == 2


# --- the register --------------------------------------------------------------------------


def test_the_register_filters_by_source_plant_party_record_and_group(
    magnets, magnet_case, officer, officer_api
):
    other = case_create(actor=officer, reference="OTHER-1", producer=magnets["creg_plant"])
    ids = lambda params: {c["id"] for c in officer_api.get(CASES, params).json()["results"]}  # noqa: E731
    assert ids({"producer": magnets["huamei"].pk}) == {magnet_case["id"]}
    assert ids({"producer": magnets["jl_mag"].pk}) == {magnet_case["id"]}
    assert ids({"producer": magnets["creg_plant"].pk}) == {magnet_case["id"], other.pk}
    assert ids({"group": magnets["northern"].pk}) == {magnet_case["id"]}


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CASES, {"page_size": 100}).status_code == 200
    return len(queries)


def test_listing_cases_costs_the_same_queries_for_two_cases_or_six(magnets, officer_api):
    def add(n: int) -> None:
        for _ in range(n):
            r = officer_api.post(CASES, magnet_payload(magnets), format="json")
            assert r.status_code == 201

    add(2)
    few = _list_queries(officer_api)
    add(4)
    assert _list_queries(officer_api) == few

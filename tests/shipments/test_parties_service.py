"""The one rule set for a case's parties and upstream sources (pages, API and imports
all call it): errors name the row and the field, and nothing is saved when one is wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from registry.validators import uscc_check_char
from shipments.models import Case, CaseParty, CaseSource, TimelineEvent
from shipments.services import case_create, case_update
from tests.shipments.factories import producer_create

pytestmark = pytest.mark.django_db

USCC_BODY = "91330200MA2H7Q8X0"  # 17 characters; the 18th is the check character
USCC = USCC_BODY + uscc_check_char(USCC_BODY)
WRONG_CHECK = USCC_BODY + ("1" if USCC[-1] == "0" else "0")


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), CaseParty.objects.count(), CaseSource.objects.count()


def _refused(case_data, **changes) -> dict[str, list[str]]:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        case_create(**{**case_data, **changes})
    assert _counts() == before
    return exc.value.message_dict


@pytest.fixture
def magnet_data(case_data, producer):
    maker = producer_create(kind="magnet_maker", name_en="Ningbo Test Magnetics")
    data = {**case_data, "producer": None, "product_form": "magnet", "hs_code": "8505111000"}
    data["elements"] = {"Nd": 28, "Pr": 2, "Dy": 3}
    data["parties"] = [
        {"role": "buyer", "name": "Example Motors GmbH", "country": "DE"},
        {
            "role": "exporter",
            "name": "Ningbo Test Magnetics",
            "country": "CN",
            "uscc": USCC,
            "producer": maker.pk,
        },
        {"role": "end_user", "name": "Example Motors GmbH", "country": "DE"},
        {"role": "forwarder", "name": "Hamburg Freight KG", "country": "DE"},
    ]
    data["sources"] = [
        {
            "label": "NdPr",
            "elements": ["Nd", "Pr"],
            "producer": producer.pk,
            "ore_category": "light",
            "production_year": 2026,
            "evidence": ["supplier_declaration", "invoice"],
        },
        {
            "label": "Dy",
            "elements": "Dy",
            "plant_name": "Unlisted Ganzhou smelter",
            "ore_category": "ionic",
        },
    ]
    data.pop("buyer"), data.pop("exporter"), data.pop("end_user")
    return data


def test_a_magnet_case_keeps_its_parties_and_sources_and_the_row_repeats_their_names(
    magnet_data, producer
):
    case = case_create(**magnet_data)
    assert (case.buyer, case.exporter, case.end_user) == (
        "Example Motors GmbH",
        "Ningbo Test Magnetics",
        "Example Motors GmbH",
    )
    roles = list(case.parties.values_list("role", "name", "uscc"))
    assert roles[1] == ("exporter", "Ningbo Test Magnetics", USCC)
    assert [r[0] for r in roles] == ["buyer", "exporter", "end_user", "forwarder"]
    ndpr, dy = case.sources.all()
    assert (ndpr.producer_id, ndpr.elements, ndpr.evidence) == (
        producer.pk,
        ["Nd", "Pr"],
        ["supplier_declaration", "invoice"],
    )
    assert (dy.producer_id, dy.plant_name, dy.elements) == (
        None,
        "Unlisted Ganzhou smelter",
        ["Dy"],
    )
    created = case.timeline.get(kind="created")
    assert "NdPr:" in created.data["sources"]
    assert "Freight forwarder: Hamburg Freight KG (DE)" in created.data["parties"]
    assert f"Exporter: Ningbo Test Magnetics (CN, USCC {USCC})" in created.data["parties"]
    # The method judged the unlisted Dy plant per source.
    reason = case.latest_assessment.factors
    eligibility = next(f for f in reason if f["factor"] == "producer_eligibility")
    assert eligibility["severity"] == "high"
    assert (
        "Dy: Unlisted Ganzhou smelter, ionic: upstream source not evidenced"
        in (eligibility["reason"])
    )


@pytest.mark.parametrize(
    ("change", "key", "text"),
    [
        (
            lambda d: d["sources"].append({"elements": ["Tb"], "plant_name": "X"}),
            "sources",
            "Source 3 (elements): Tb is not among the case's elements",
        ),
        (
            lambda d: d["sources"][0].update(producer=999999),
            "sources",
            "Source 1 (producer): no registry producer has id 999999",
        ),
        (
            lambda d: d["parties"].append({"role": "buyer", "name": "Second Buyer"}),
            "parties",
            "a case has one party in this role",
        ),
        (
            lambda d: d["parties"][1].update(uscc=WRONG_CHECK),
            "parties",
            "Party 2 (uscc): The check character",
        ),
        (lambda d: d["parties"][0].update(lei="ABC"), "parties", "Party 1 (lei):"),
        (
            lambda d: d["sources"][0].update(evidence=["selfie"]),
            "sources",
            "Source 1 (evidence): unknown document type(s) selfie",
        ),
        (
            lambda d: d["parties"][0].update(role="owner"),
            "parties",
            "Party 1 (role): “owner” is not a role",
        ),
    ],
)
def test_a_bad_row_names_row_and_field_and_saves_nothing(magnet_data, change, key, text):
    change(magnet_data)
    errors = _refused(magnet_data)
    assert any(text in message for message in errors[key]), errors


def test_a_magnet_maker_is_not_an_upstream_source(magnet_data):
    magnet_data["sources"][0]["producer"] = magnet_data["parties"][1]["producer"]
    errors = _refused(magnet_data)
    assert any("is a magnet maker, not a separation plant or mine" in m for m in errors["sources"])


def test_a_headline_name_that_disagrees_with_the_party_is_refused(magnet_data):
    errors = _refused(magnet_data, buyer="Someone Else GmbH")
    assert "in the parties list: give one name" in errors["buyer"][0]


def test_the_first_edition_producer_still_becomes_a_source(case_data, producer):
    case = case_create(**case_data)
    (source,) = case.sources.all()
    # Every declared element, in atomic-number order (Pr is 59, Nd 60).
    assert (source.producer_id, source.elements, source.evidence) == (producer.pk, ["Pr", "Nd"], [])
    assert set(case.parties.values_list("role", flat=True)) == {"buyer", "exporter", "end_user"}


def test_an_edit_replaces_the_lists_with_a_timeline_entry_and_a_new_assessment(
    magnet_data, officer
):
    case = case_create(**magnet_data)
    first = case.latest_assessment_id
    sources = [dict(s) for s in magnet_data["sources"]]
    sources[1] = {**sources[0], "label": "Dy", "elements": ["Dy"], "ore_category": "ionic"}
    case = case_update(case=case, actor=officer, changes={"sources": sources})
    assert list(case.sources.values_list("plant_name", flat=True)) == ["", ""]
    event = TimelineEvent.objects.filter(case=case, data__field="sources").get()
    assert "Unlisted Ganzhou smelter" in event.data["old"]
    assert case.latest_assessment_id != first
    # Renaming the end user through the row keeps the other parties and their identifiers.
    case = case_update(case=case, actor=officer, changes={"end_user": "Renamed Motors AG"})
    assert case.parties.get(role="end_user").name == "Renamed Motors AG"
    assert case.parties.get(role="exporter").uscc == USCC


def test_an_edit_removing_an_element_a_source_names_is_refused(magnet_data, officer):
    case = case_create(**magnet_data)
    with pytest.raises(ValidationError) as exc:
        case_update(case=case, actor=officer, changes={"elements": {"Nd": 30, "Pr": 3}})
    assert any(
        "Dy is not among the case's elements" in m for m in exc.value.message_dict["sources"]
    )
    assert case.case_elements.count() == 3

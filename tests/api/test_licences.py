"""/api/v1/licences/ and the case fields that point at a licence record or a technology
item; the required-documents list of a case."""

import datetime as dt

import pytest

from registry.models import Measure, TechnologyItem
from shipments.models import Licence
from tests.api.conftest import field_errors
from tests.api.factories import case_create, case_payload

LICENCE = {
    "number": "LIC-API-1",
    "holder": "Ganzhou Trading Ltd",
    "pathway": "individual",
    "status": "granted",
    "items": ["Nd", "Dy"],
    "forms": ["oxide"],
    "quantity_kg": "5000.000",
}


@pytest.fixture
def licence(world, officer):
    from shipments.services.licences import licence_create

    return licence_create(actor=officer, **{**LICENCE, "quantity_kg": 5000})


@pytest.fixture
def technology_item(world):
    measure = Measure.objects.create(
        key="tech-cat", title="Technology catalogue", layers=["technology"],
        effective_from=dt.date(2023, 12, 21),
    )  # fmt: skip
    return TechnologyItem.objects.create(
        key="ree-separation", title="Separation technology", klass="prohibited", measure=measure
    )


def test_an_officer_records_a_licence(world, officer_api):
    response = officer_api.post("/api/v1/licences/", LICENCE, format="json")
    assert response.status_code == 201, response.content
    licence = Licence.objects.get(number="LIC-API-1")
    assert response.json()["id"] == licence.pk
    assert licence.items == ["Nd", "Dy"]


def test_a_viewer_reads_licences_but_cannot_record_one(world, viewer_api, licence):
    assert viewer_api.get("/api/v1/licences/").status_code == 200
    response = viewer_api.post("/api/v1/licences/", {**LICENCE, "number": "V"}, format="json")
    assert response.status_code == 403
    assert not Licence.objects.filter(number="V").exists()


def test_a_licence_number_already_recorded_is_a_field_error(world, officer_api, licence):
    response = officer_api.post("/api/v1/licences/", LICENCE, format="json")
    assert "number" in field_errors(response)


def test_a_case_is_put_on_a_licence_record_and_says_so(world, officer_api, licence):
    body = case_payload(licence_record=licence.pk)
    response = officer_api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["licence_record"] == licence.pk
    assessment = officer_api.get(f"/api/v1/cases/{response.json()['id']}/assessment/").json()
    assert assessment["id"]


def test_a_technology_item_on_a_case_that_is_not_technology_is_a_named_field_error(
    world, officer_api, technology_item
):
    response = officer_api.post(
        "/api/v1/cases/", case_payload(technology_item="ree-separation"), format="json"
    )
    assert "technology_item" in field_errors(response)


def test_a_technology_case_takes_its_item_by_key_or_id(world, officer_api, technology_item):
    for reference, value in (("T-KEY", "ree-separation"), ("T-ID", technology_item.pk)):
        body = case_payload(
            reference=reference, product_form="technology", technology_item=value, elements=[]
        )
        response = officer_api.post("/api/v1/cases/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["technology_item"] == "ree-separation"


def test_a_licence_in_use_cannot_be_deleted(world, officer, officer_api, licence):
    case_create(actor=officer, licence_record=licence)
    response = officer_api.delete(f"/api/v1/licences/{licence.pk}/")
    assert response.status_code == 400
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_the_required_documents_of_a_case_come_from_its_latest_assessment(
    world, officer, viewer_api
):
    case = case_create(actor=officer, licence_status="applied")
    response = viewer_api.get(f"/api/v1/cases/{case.pk}/required-documents/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assessment"] == case.latest_assessment_id
    assert body["documents"], body  # an applied licence needs its application file
    line = body["documents"][0]
    assert set(line) == {"doc_type", "label", "file", "state", "problem", "verified"}
    assert line["state"] == "missing"
    assert body["documents"] == [row for rows in body["files"].values() for row in rows]
    assert list(body["files"]) == ["application", "shipment"]
    assert {row["doc_type"] for row in body["files"]["shipment"]} >= {
        "commercial_invoice",
        "packing_list",
    }

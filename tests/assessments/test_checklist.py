"""One source for the documents a pathway requires: the case page's checklist is the
documents factor's judgement, for every pathway."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assessments.choices import Trigger
from assessments.presenters import case_checklist
from assessments.services import assessment_run
from method.choices import (
    INDIVIDUAL_LICENCE_DOCUMENTS,
    SHIPMENT_DOCUMENTS,
)
from shipments.models import Case, Document
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db
# A general licence needs no application file; its shipment file adds the certificates.
GENERAL_SHIPMENT_FILE = (*SHIPMENT_DOCUMENTS, "end_user_certificate", "end_use_certificate")
# The individual application file first, then what only the shipment file adds.
INDIVIDUAL_FILES = (*INDIVIDUAL_LICENCE_DOCUMENTS, "commercial_invoice", "packing_list")
TODAY = dt.date(2026, 2, 1)


def _page_rows(client, case) -> dict[str, str]:
    html = client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk})).content.decode()
    table = re.search(r'<table class="checklist">(.*?)</table>', html, re.S)
    if table is None:
        return {}
    rows = re.findall(r'<tr class="doc-(\w+)">\s*<td>([^<]+)</td>', table.group(1))
    return {label.strip(): state for state, label in rows}


def _factor(case) -> dict:
    case = Case.objects.get(pk=case.pk)
    return next(f for f in case.latest_assessment.factors if f["factor"] == "documents")


@pytest.mark.parametrize(
    ("elements", "extra", "required"),
    [
        (("Nd", "Pr"), {}, SHIPMENT_DOCUMENTS),  # no dual-use element: the shipment file only
        (("Nd", "Dy"), {"general_licence": True}, GENERAL_SHIPMENT_FILE),
        (("Nd", "Dy"), {}, INDIVIDUAL_FILES),
    ],
    ids=["no-licence", "general-licence", "individual-licence"],
)
def test_page_and_method_agree_for_each_pathway(
    world, officer, viewer_client, elements, extra, required
):
    case = case_create(officer, producer=world.creg_plant, elements=elements, **extra)
    Document.objects.create(
        case=case, doc_type="end_user_certificate", status="verified", uploaded_by=officer
    )
    Document.objects.create(
        case=case,
        doc_type="contract",
        status="provided",
        expires_on=dt.date(2026, 1, 1),
        uploaded_by=officer,
    )
    assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)

    checklist = case_checklist(Case.objects.get(pk=case.pk))
    assert tuple(row.doc_type for row in checklist.rows) == required
    page = _page_rows(viewer_client, case)
    assert page == {row.label: row.state for row in checklist.rows}

    factor = _factor(case)
    not_present = [row for row in checklist.rows if row.state != "present"]
    # Every row the page shows as lacking is one the factor names, and nothing else.
    assert len(factor["next_steps"]) == len(not_present)
    for row in not_present:
        assert row.label.lower() in factor["reason"].lower()
    states = {row.doc_type: row.state for row in checklist.rows}
    if "end_user_certificate" in states:
        assert states["end_user_certificate"] == "present"
    assert states["contract"] == "expired"  # expired on the as-of date (the ship date)


def test_a_document_the_page_called_present_the_method_counts(world, officer, viewer_client):
    """The old page counted any non-rejected copy of any status; now it shows the factor's
    view, so an upload that does not count cannot look present."""
    case = case_create(officer, producer=world.creg_plant, elements=("Dy",), general_licence=True)
    for doc_type in GENERAL_SHIPMENT_FILE:
        Document.objects.create(case=case, doc_type=doc_type, uploaded_by=officer)
    assessment_run(case=case, trigger=Trigger.CREATED, today=TODAY)
    assert set(_page_rows(viewer_client, case).values()) == {"present"}
    assert "All 5 required documents are on file" in _factor(case)["reason"]


def test_before_the_first_assessment_the_page_says_so(world, officer, viewer_client):
    case = case_create(officer, producer=world.creg_plant)
    html = viewer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert "The checklist follows the first assessment." in html.content.decode()

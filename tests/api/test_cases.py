import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment
from shipments.models import Case, Document
from tests.api.conftest import field_errors
from tests.api.factories import case_create, case_payload, evidenced_source

CASES = "/api/v1/cases/"


def detail(case) -> str:
    return f"{CASES}{case.pk}/"


def plant_source(world) -> dict:
    """Nd and Dy from the world's approved CREG plant, evidenced."""
    return evidenced_source(world["producer"], ["Nd", "Dy"])


@pytest.fixture
def case(world, officer):
    return case_create(actor=officer, sources=[plant_source(world)], reference="PO-EXISTING")


# --- create -------------------------------------------------------------------------------


def test_an_officer_creates_a_case_which_is_assessed_at_once(world, officer_api):
    body = case_payload(sources=[plant_source(world)], destination="de")
    r = officer_api.post(CASES, body, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert r["Location"] == data["url"]
    assert type(r["Location"]) is str  # wsgiref (runserver) refuses str subclasses
    assert data["owner"] == "olga"
    assert data["destination"] == "DE"
    assert [e["symbol"] for e in data["elements"]] == ["Nd", "Dy"]
    assert [s["producer"] for s in data["sources"]] == [world["producer"].pk]
    assert [p["role"] for p in data["parties"]] == ["buyer", "exporter", "end_user"]
    assert data["band"] in {"low", "medium", "high", "critical"}
    assert Assessment.objects.filter(case_id=data["id"], trigger="created").count() == 1


def test_a_viewer_cannot_create_a_case(world, viewer_api):
    r = viewer_api.post(CASES, case_payload(), format="json")
    assert r.status_code == 403
    assert not Case.objects.exists()


def test_staff_read_cases_but_cannot_create_them(world, staff_api):
    assert staff_api.get(CASES).status_code == 200
    assert staff_api.post(CASES, case_payload(), format="json").status_code == 403


def test_a_duplicate_reference_is_409_with_the_existing_case_url(case, officer_api):
    r = officer_api.post(CASES, case_payload(reference="po-existing"), format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["existing"]["id"] == case.pk
    assert body["existing"]["url"].endswith(detail(case))
    assert Case.objects.count() == 1


def test_missing_fields_are_reported_field_by_field(world, officer_api):
    r = officer_api.post(CASES, {"reference": "X-1"}, format="json")
    errors = field_errors(r)
    for name in ("buyer", "exporter", "product_form", "elements", "quantity_kg", "end_use"):
        assert name in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("buyer", "Acme\x00GmbH"),
        ("reference", "PO\x00"),
        ("quantity_kg", "1e40"),
        ("quantity_kg", "-5"),
        ("quantity_kg", "NaN"),
        ("quantity_kg", ["not", "a", "number"]),
        ("planned_ship_date", "2026-13-45"),
        ("planned_ship_date", 20260101),
        ("destination", "Germany"),
        ("destination", "d\x00"),
        ("hs_code", "28469"),
        ("product_form", "plutonium"),
        ("end_use", {"nested": "object"}),
        ("producer", 10**30),  # the deprecated shorthand, still checked
        ("producer", "abc"),
        ("parties", "buyer"),
        ("parties", [{"role": "buyer"}]),  # parties.0.name
        ("sources", [{"elements": ["Nd"], "production_year": "soon"}]),
        ("sources", [{"elements": ["Nd"], "producer": 999999}]),  # the service's rule
        ("owner", "nobody-by-that-name"),
        ("owner", "ol\x00ga"),
        ("watchers", ["\x00"]),
        ("general_licence", "perhaps"),
        ("elements", "Nd"),
        ("elements", [{"symbol": "Xx"}]),
        ("elements", [{"symbol": "N\x00"}]),  # elements.0.symbol
        ("elements", [{"symbol": "Nd", "content_share": "250"}]),  # elements.0.content_share
        ("elements", [{"symbol": "Nd"}, {"symbol": "nd"}]),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, officer_api, field, value):
    r = officer_api.post(CASES, case_payload(**{field: value}), format="json")
    # A nested field is named by its path: elements.0.symbol.
    assert [name for name in field_errors(r) if name.split(".")[0] == field]
    assert not Case.objects.exists()


def test_shares_adding_up_to_more_than_100_are_refused_by_the_service(world, officer_api):
    elements = [{"symbol": "Nd", "content_share": "70"}, {"symbol": "Pr", "content_share": "40"}]
    r = officer_api.post(CASES, case_payload(elements=elements), format="json")
    assert r.status_code == 400
    assert "100%" in field_errors(r)["elements"][0]


def test_a_non_json_body_is_a_400(world, officer_api):
    r = officer_api.generic("POST", CASES, "{not json", content_type="application/json")
    assert r.status_code == 400


# --- read, list, filter -------------------------------------------------------------------


def test_a_viewer_reads_and_lists_cases(case, viewer_api):
    assert viewer_api.get(detail(case)).json()["reference"] == "PO-EXISTING"
    listing = viewer_api.get(CASES).json()
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == case.pk


def test_an_unknown_case_is_404(world, officer_api):
    assert officer_api.get(f"{CASES}999999/").status_code == 404
    assert officer_api.get(f"{CASES}999999/assessment/").status_code == 404
    assert officer_api.post(f"{CASES}999999/reassess/").status_code == 404


def test_the_register_filters_searches_and_sorts(world, officer, officer_api):
    dy = case_create(actor=officer, sources=[plant_source(world)], reference="DY-1")
    nd = case_create(
        actor=officer,
        reference="ND-1",
        elements=[{"symbol": "Nd"}],
        planned_ship_date="2026-09-01",
        licence_status="not_required",
    )
    ids = lambda r: {c["id"] for c in r.json()["results"]}  # noqa: E731
    assert ids(officer_api.get(CASES, {"element": "Dy"})) == {dy.pk}
    assert ids(officer_api.get(CASES, {"q": "nd-"})) == {nd.pk}
    assert ids(officer_api.get(CASES, {"producer": world["producer"].pk})) == {dy.pk}
    assert ids(officer_api.get(CASES, {"group": world["group"].pk})) == {dy.pk}
    assert ids(officer_api.get(CASES, {"licence_status": "not_required"})) == {nd.pk}
    assert ids(officer_api.get(CASES, {"ship_date_after": "2026-08-01"})) == {nd.pk}
    assert ids(officer_api.get(CASES, {"status": "open", "owner": officer.pk})) == {dy.pk, nd.pk}
    ranked = officer_api.get(CASES, {"sort": "risk"}).json()["results"]
    scores = [c["score"] for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert officer_api.get(CASES, {"page_size": 1}).json()["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"element": "Xx"},
        {"element": "N\x00"},
        {"q": "a\x00b"},
        {"status": "lost"},
        {"band": "extreme"},
        {"producer": "abc"},
        {"owner": "\x00"},
        {"ship_date_after": "yesterday"},
        {"sort": "nonsense"},
    ],
)
def test_bad_filters_are_400_not_500(world, officer_api, params):
    r = officer_api.get(CASES, params)
    assert r.status_code == 400
    # Range filters report under their own name (ship_date for ship_date_after/_before).
    assert {k.removesuffix("_after") for k in params} <= set(field_errors(r))


def test_a_page_past_the_end_is_404(world, officer_api):
    assert officer_api.get(CASES, {"page": 99}).status_code == 404


# --- update and status ---------------------------------------------------------------------


def test_an_officer_changes_a_case_and_it_is_reassessed(case, officer_api):
    before = Assessment.objects.filter(case=case).count()
    r = officer_api.patch(detail(case), {"end_use": "defence", "watchers": ["olga"]}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["end_use"] == "defence"
    assert r.json()["watchers"] == ["olga"]
    assert Assessment.objects.filter(case=case).count() == before + 1


def test_a_viewer_cannot_change_a_case(case, viewer_api):
    assert viewer_api.patch(detail(case), {"buyer": "X"}, format="json").status_code == 403


def test_renaming_a_case_onto_another_reference_is_409(case, officer, officer_api):
    other = case_create(actor=officer, reference="PO-OTHER")
    r = officer_api.patch(detail(other), {"reference": "PO-EXISTING"}, format="json")
    assert r.status_code == 409
    assert r.json()["existing"]["id"] == case.pk


def test_a_bad_patch_is_400(case, officer_api):
    r = officer_api.patch(
        detail(case),
        {"licence_applied_on": "2026-05-01", "licence_valid_until": "2026-01-01"},
        format="json",
    )
    assert r.status_code == 400
    assert "licence_valid_until" in field_errors(r)


def test_put_and_delete_are_not_offered(case, officer_api):
    assert officer_api.put(detail(case), case_payload(), format="json").status_code == 405
    assert officer_api.delete(detail(case)).status_code == 405


def test_an_officer_changes_the_status_with_a_reason(case, officer_api):
    r = officer_api.post(
        f"{detail(case)}status/", {"status": "on_hold", "reason": "Awaiting EUC"}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["status"] == "on_hold"
    assert r.json()["status_reason"] == "Awaiting EUC"


def test_a_status_change_needs_a_reason_and_a_known_status(case, officer_api, viewer_api):
    url = f"{detail(case)}status/"
    assert field_errors(officer_api.post(url, {"status": "on_hold"}, format="json")).keys() == {
        "reason"
    }
    r = officer_api.post(url, {"status": "gone", "reason": "x"}, format="json")
    assert r.status_code == 400
    assert "status" in field_errors(r)
    # The service's own rule (no change to the same status) comes back as a field error.
    r = officer_api.post(url, {"status": "open", "reason": "again"}, format="json")
    assert r.status_code == 400
    assert "status" in field_errors(r)
    assert (
        viewer_api.post(url, {"status": "closed", "reason": "x"}, format="json").status_code == 403
    )


# --- documents -----------------------------------------------------------------------------


def test_an_officer_uploads_a_document_and_lists_it(case, officer_api, viewer_api):
    url = f"{detail(case)}documents/"
    upload = SimpleUploadedFile("euc.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = officer_api.post(
        url,
        {"doc_type": "end_user_certificate", "expires_on": "2027-01-01", "file": upload},
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["filename"] == "euc.pdf"
    listing = viewer_api.get(url).json()
    assert [d["doc_type"] for d in listing["results"]] == ["end_user_certificate"]
    doc_id = r.json()["id"]
    assert viewer_api.get(f"{url}{doc_id}/").json()["size"] == len(b"%PDF-1.4 test")


def test_document_uploads_obey_the_type_and_size_limits(case, officer_api, settings):
    url = f"{detail(case)}documents/"
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    r = officer_api.post(url, {"doc_type": "contract", "file": exe}, format="multipart")
    assert r.status_code == 400
    assert "file" in field_errors(r)
    settings.DOCUMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"x" * 11, content_type="application/pdf")
    r = officer_api.post(url, {"doc_type": "contract", "file": big}, format="multipart")
    assert r.status_code == 400
    assert "file" in field_errors(r)
    assert not Document.objects.exists()


def test_document_bad_metadata_and_permissions(case, officer_api, viewer_api):
    url = f"{detail(case)}documents/"
    r = officer_api.post(url, {"doc_type": "selfie", "expires_on": "soon"}, format="multipart")
    assert r.status_code == 400
    assert {"doc_type", "expires_on"} <= set(field_errors(r))
    assert viewer_api.post(url, {"doc_type": "contract"}, format="multipart").status_code == 403
    assert officer_api.get(f"{CASES}999999/documents/").status_code == 404
    assert officer_api.get(f"{url}999999/").status_code == 404


# --- assessments -----------------------------------------------------------------------------


def test_the_latest_assessment_shows_every_factor_with_its_evidence(case, viewer_api):
    r = viewer_api.get(f"{detail(case)}assessment/")
    assert r.status_code == 200
    data = r.json()
    assert data["band"] == case.band
    factors = {f["factor"] for f in data["factors"]}
    assert factors == {
        "product_scope",
        "producer_eligibility",
        "quota_headroom",
        "licence",
        "documents",
        "end_use",
    }
    evidence = [e for f in data["factors"] for e in f["evidence"]]
    assert any(e["kind"] == "measure" for e in evidence)
    # The evidence is complete: the structured fields the snapshot stores, as stored.
    stored = [e for f in case.latest_assessment.factors for e in f["evidence"]]
    measure = next(e for e in evidence if e["kind"] == "measure")
    assert measure["instrument"]
    assert measure["layer"]
    assert measure["window"]
    assert [
        {k: e[k] for k in ("kind", "instrument", "matched", "data_version")} for e in evidence
    ] == [
        {k: e.get(k, "") for k in ("kind", "instrument", "matched", "data_version")} for e in stored
    ]


def test_reassessing_needs_the_add_assessment_permission(case, officer_api, viewer_api, staff_api):
    url = f"{detail(case)}reassess/"
    assert viewer_api.post(url).status_code == 403
    assert staff_api.post(url).status_code == 403
    r = officer_api.post(url)
    assert r.status_code == 201
    assert r.json()["trigger"] == "manual"
    history = officer_api.get(f"{detail(case)}assessments/").json()
    assert history["count"] == 2
    assert history["results"][0]["id"] == r.json()["id"]


def test_a_case_never_assessed_has_no_latest_assessment(case, officer_api):
    Assessment.objects.filter(case=case).delete()
    r = officer_api.get(f"{detail(case)}assessment/")
    assert r.status_code == 404


def test_dates_in_the_case_payload_round_trip(case, officer_api):
    data = officer_api.get(detail(case)).json()
    assert dt.date.fromisoformat(data["planned_ship_date"]) == case.planned_ship_date

"""Every API error is JSON in one shape, 500 and 503 included; pages keep their HTML."""

import socket

import pytest
from django.db import connection

from tests.api.conftest import token_client
from tests.api.factories import case_create, case_payload

CASES = "/api/v1/cases/"
SHAPE = {"detail", "code"}


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert body.keys() == SHAPE, body
    assert body["code"] == code
    return body


def test_an_unknown_url_under_the_api_is_a_json_404(officer_api):
    error(officer_api.get("/api/v1/no-such-thing/"), 404, "not_found")
    error(officer_api.get(f"{CASES}not-a-number/"), 404, "not_found")


def test_an_unknown_object_is_a_json_404(world, officer_api):
    body = error(officer_api.get(f"{CASES}999999/"), 404, "not_found")
    assert body["detail"]


def test_pages_keep_their_html_404(staff_client):
    r = staff_client.get("/cases/no-such-page/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_does_not_offer_is_a_json_405(world, officer, officer_api):
    case = case_create(actor=officer)
    error(officer_api.delete(f"{CASES}{case.pk}/"), 405, "method_not_allowed")


def test_a_body_in_another_media_type_is_a_json_415(world, officer_api):
    r = officer_api.generic("POST", CASES, "reference=X", content_type="text/plain")
    error(r, 415, "unsupported_media_type")


def test_no_credentials_is_a_json_401_and_no_permission_a_json_403(world, anon_api, viewer_api):
    r = anon_api.get(CASES)
    error(r, 401, "not_authenticated")
    assert r["WWW-Authenticate"] == "Token"
    error(viewer_api.post(CASES, case_payload(), format="json"), 403, "permission_denied")


def test_a_json_parse_error_is_a_400_without_field_errors(world, officer_api):
    r = officer_api.generic("POST", CASES, "{not json", content_type="application/json")
    error(r, 400, "parse_error")


def test_field_errors_are_keyed_by_field_path(world, officer_api):
    body = {**case_payload(), "elements": [{"symbol": "Nd"}, {"symbol": "N\x00"}]}
    r = officer_api.post(CASES, body, format="json")
    assert r.status_code == 400
    assert r.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"elements.1.symbol": ["Null characters are not allowed."]},
    }


def test_too_many_token_requests_is_a_json_429_with_retry_after(officer, client):
    # No password: refused before any password check, so only the throttle counts (a wrong
    # password would lock the address out first, tests/accounts/test_lockout.py).
    for _ in range(200):
        r = client.post(
            "/api/v1/auth/token/", {"username": "olga"}, content_type="application/json"
        )
        if r.status_code != 400:
            break
    error(r, 429, "throttled")
    assert int(r["Retry-After"]) > 0


@pytest.mark.urls("tests.api.error_urls")
def test_a_bug_in_an_api_view_is_a_json_500(client):
    client.raise_request_exception = False
    body = error(client.get("/api/v1/test-failure/"), 500, "server_error")
    assert "RuntimeError" not in body["detail"]  # no internals leak
    error(client.get("/api/v1/test-plain-failure/"), 500, "server_error")


@pytest.mark.urls("tests.api.error_urls")
def test_a_bad_request_outside_drf_is_a_json_400_with_its_message(client):
    body = error(client.get("/api/v1/test-bad-request/"), 400, "bad_request")
    assert body["detail"] == "The parameter q contains a NUL character."


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_a_json_503_with_retry_after(officer):
    """PostgreSQL unreachable (its address refuses connections): the token lookup fails with
    OperationalError, and the client is told to retry rather than shown a 500 page."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the outage is a refused TCP connection)")
    api = token_client(officer)
    api.raise_request_exception = False
    settings = connection.settings_dict
    saved = settings["HOST"], settings["PORT"]
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", str(_closed_port())
    try:
        r = api.get(CASES)
    finally:
        connection.close()
        settings["HOST"], settings["PORT"] = saved
    error(r, 503, "database_unavailable")
    assert int(r["Retry-After"]) > 0
    assert api.get(CASES).status_code == 200  # and the API recovers with the database

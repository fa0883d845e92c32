"""The OpenAPI schema builds without a warning, and the schema and docs need a login."""

from io import StringIO

from django.core.management import call_command


def test_the_schema_generates_and_validates_with_no_warning(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
        stderr=StringIO(),
    )
    text = out.read_text()
    assert "/api/v1/cases/{id}/assessment/" in text
    assert "'409':" in text


def test_the_schema_is_served_to_signed_in_clients_only(officer_api, anon_api):
    assert anon_api.get("/api/v1/schema/").status_code == 401
    r = officer_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_the_docs_page_serves_swagger_ui_locally_to_signed_in_users(client, officer):
    anonymous = client.get("/api/v1/docs/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client.force_login(officer)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    # The start-up script is a file of its own (no inline script under the CSP).
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()

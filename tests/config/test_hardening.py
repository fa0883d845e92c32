"""Issue 10's small holes, one regression test each: export formulas, CSP and no-store,
demo data under production settings, the owner rule on the API, NUL bytes, and what the HS
suggestion request sends."""

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.exports import neutralise
from registry.models import Producer
from registry.resources import ProducerResource
from shipments.models import Case
from shipments.resources import CaseResource
from tests.api.conftest import token_client
from tests.api.factories import case_create as api_case_create
from tests.api.factories import case_payload, reference_world

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


# --- 7. formula injection ------------------------------------------------------------
@pytest.mark.parametrize("text", FORMULAS)
def test_neutralise_turns_formula_text_into_plain_text(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Motorwerke AG") == "Motorwerke AG"
    assert neutralise(12) == 12


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_case_export_cells_cannot_run_as_formulas(officer, fmt):
    reference_world()
    api_case_create(actor=officer, buyer='=HYPERLINK("http://evil","x")', end_user="@cmd")
    data = CaseResource().export(queryset=Case.objects.all())
    exported = data.export(fmt)
    if fmt == "csv":
        cells = [c for row in tablib.Dataset().load(exported, format="csv") for c in row]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        cells = [c.value for row in sheet.iter_rows() for c in row]
    texts = [c for c in cells if isinstance(c, str)]
    assert '\'=HYPERLINK("http://evil","x")' in texts
    assert "'@cmd" in texts
    assert not [c for c in texts if c.startswith(("=", "+", "@"))]


def test_registry_exports_are_neutralised_too():
    Producer.objects.create(kind="trader", name_en="=1+2 Trading")
    data = ProducerResource().export(queryset=Producer.objects.all())
    assert "'=1+2 Trading" in data.export("csv")


# --- 8. CSP, no-store, HSTS --------------------------------------------------------------
def test_pages_carry_a_csp_without_inline_script_and_no_store(officer_client, officer):
    reference_world()
    case = api_case_create(actor=officer)
    for url in (
        reverse("shipments:case_list") + "?status=open&sort=risk",
        reverse("shipments:case_detail", kwargs={"pk": case.pk}),
        f"/api/v1/cases/{case.pk}/",
    ):
        response = officer_client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in directives["style-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert "no-store" in response["Cache-Control"], url


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue  # e-mail bodies are not served to browsers
        text = path.read_text()
        if (
            "<script>" in text
            or "<style" in text
            or ' style="' in text
            or (" on" in text and "onclick=" in text)
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_api_docs_page_runs_swagger_without_inline_script(officer_client):
    response = officer_client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html
    assert (
        "unsafe-inline"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_production_settings_send_hsts_csp_and_no_store():
    """The real production settings in a fresh process: an API answer over HTTPS (no
    template, so no collected static files are needed)."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/api/v1/cases/', secure=True, HTTP_HOST='lodestone.example.com')\n"
        "print(r.status_code)\n"
        "for h in ('Strict-Transport-Security', 'Content-Security-Policy', 'Cache-Control',"
        " 'X-Frame-Options', 'X-Content-Type-Options'):\n"
        "    print(h + '=' + r.headers.get(h, ''))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "lodestone.example.com",
        "LODESTONE_SITE_URL": "https://lodestone.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    headers = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert lines[0] == "401"
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "no-store" in headers["Cache-Control"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


# --- 11. demo data refuses production -----------------------------------------------------
def test_demo_data_refuses_production_settings(settings, django_user_model):
    settings.LODESTONE_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("load_demo_data")
    assert not django_user_model.objects.filter(username="admin").exists()


def test_production_settings_turn_demo_data_off():
    code = "from django.conf import settings; print(settings.LODESTONE_DEMO_DATA_ALLOWED)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "lodestone.example.com",
        "LODESTONE_SITE_URL": "https://lodestone.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("LODESTONE_DEMO_DATA_ALLOWED", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr


# --- 12. the owner rule, enforced by the service (so by the API) -------------------------------
def test_the_api_refuses_a_viewer_as_owner(officer, viewer):
    reference_world()
    body = case_payload(owner=viewer.username)
    response = token_client(officer).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "only a compliance officer" in str(response.json()["errors"]["owner"])
    assert not Case.objects.exists()


def test_the_api_refuses_to_hand_a_case_to_a_viewer(officer, viewer):
    reference_world()
    case = api_case_create(actor=officer)
    response = token_client(officer).patch(
        f"/api/v1/cases/{case.pk}/", {"owner": viewer.username}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]
    case.refresh_from_db()
    assert case.owner == officer


# --- 13. NUL bytes --------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/cases/hs-suggest/?product_form=%00",
        "/cases/?q=a%00b",
        "/registry/changes/?kind=%00",
        "/api/v1/cases/?reference=%00",
        "/api/v1/producers/?search=x%00",
    ],
)
def test_a_nul_byte_in_a_parameter_is_a_400_naming_it(officer_client, url):
    response = officer_client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    name = url.split("?")[1].split("=")[0]
    assert repr(name) in body or f'"{name}"' in body


def test_a_nul_byte_in_a_form_post_is_a_400(officer_client):
    response = officer_client.post(reverse("shipments:case_create"), {"reference": "A\x00B"})
    assert response.status_code == 400
    assert "'reference'" in response.content.decode()


# --- 14. HS suggestions send only what they need ----------------------------------------------
def test_hs_suggestions_include_only_the_form_and_the_elements(officer_client):
    reference_world()
    html = officer_client.get(reverse("shipments:case_create")).content.decode()
    tag = html[html.index('id="hs-suggest"') :].split(">", 1)[0]
    assert 'hx-include="#id_product_form, .element-check"' in tag
    assert "#case-form" not in tag

"""The first five minutes (issue 15): the embedded default is quiet (mail to files, no
broker warning), e-mail links follow the port the app is served on, production must name
its address, and the error pages are styled, with the way back."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SITE_URL, s.EMAIL_BACKEND, getattr(s, 'EMAIL_FILE_PATH', ''), s.CELERY_BROKER_URL)"
)


def _settings(module: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "LODESTONE_SITE_URL")
        and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_embedded_default_mails_to_files_and_links_follow_the_port():
    run = _settings("config.settings.local", PORT="8301")
    assert run.returncode == 0, run.stderr
    site, backend, path, broker = run.stdout.split()
    assert site == "http://127.0.0.1:8301"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(ROOT / "var" / "mail")
    assert broker == "memory://localhost/"  # a host named: kombu does not warn


def test_production_refuses_to_start_without_its_site_url():
    run = _settings(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="lodestone.example.com",
        DATABASE_URL="sqlite:////tmp/never-opened.sqlite3",
    )
    assert run.returncode != 0
    assert "LODESTONE_SITE_URL" in run.stderr
    named = _settings(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="lodestone.example.com",
        DATABASE_URL="sqlite:////tmp/never-opened.sqlite3",
        LODESTONE_SITE_URL="https://lodestone.example.com",
    )
    assert named.returncode == 0, named.stderr
    assert named.stdout.split()[0] == "https://lodestone.example.com"


@pytest.mark.django_db
def test_the_403_page_says_why_and_leads_back(viewer_client):
    page = viewer_client.get(reverse("assessments:approvals") + "x")  # 404 first
    assert page.status_code == 404
    assert "Nothing here" in page.text
    assert '<nav aria-label="Main">' in page.text
    refused = viewer_client.get(reverse("shipments:case_create"))
    assert refused.status_code == 403
    assert "You are not allowed to do that" in refused.text
    assert "Viewer" in refused.text  # the person's role, named
    assert '<nav aria-label="Main">' in refused.text
    assert 'href="/"' in refused.text


@pytest.mark.django_db
@pytest.mark.urls("tests.api.error_urls")
def test_the_500_page_is_styled_and_says_nothing_was_half_saved(officer_client):
    officer_client.raise_request_exception = False
    page = officer_client.get("/test-page-failure/")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.text
    assert "lodestone.css" in page.text
    assert 'href="/cases/"' in page.text

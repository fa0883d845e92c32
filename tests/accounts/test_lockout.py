"""Issue 10 point 3: sign-in lockout on every login path (django-axes), throttles counted in
the shared cache, both keyed on the real client address."""

import os
import random
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.network import client_ip
from api.throttling import TokenRequestThrottle

LIMIT = settings.AXES_FAILURE_LIMIT
TOKEN_URL = "/api/v1/auth/token/"


def _fail_then_succeed(client, url: str, username: str, password: str, **extra):
    for _ in range(LIMIT):
        r = client.post(url, {"username": username, "password": "wrong"}, **extra)
        assert r.status_code in (200, 400, 429)
    return client.post(url, {"username": username, "password": password}, **extra)


def test_the_login_page_locks_out_after_repeated_failures_even_with_the_right_password(
    client, officer
):
    r = _fail_then_succeed(client, "/accounts/login/", "olga", "pw-olga")
    assert r.status_code == 429
    assert "Sign-in locked" in r.text
    assert 'role="alert"' in r.text
    assert int(r["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_locks_out_too(client, staff_user):
    r = _fail_then_succeed(client, "/admin/login/?next=/admin/", "stella", "pw-stella")
    assert r.status_code == 429
    assert "Sign-in locked" in r.text
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_the_api_token_endpoint_locks_out_with_a_json_429(officer, settings):
    # Above the lockout limit, so that the lockout and not the throttle answers.
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "100/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    r = _fail_then_succeed(APIClient(), TOKEN_URL, "olga", "pw-olga", format="json")
    assert r.status_code == 429
    assert r.json()["code"] == "locked_out"
    assert "token" not in r.json()


def test_a_username_is_locked_from_every_address(client, officer):
    for n in range(LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "olga", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    r = client.post(
        "/accounts/login/", {"username": "olga", "password": "pw-olga"}, REMOTE_ADDR="192.0.2.7"
    )
    assert r.status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(client, officer, settings):
    settings.LODESTONE_TRUSTED_PROXIES = 0
    for n in range(LIMIT):
        # A different made-up user and a made-up forwarded address each time: only the
        # socket address (REMOTE_ADDR) is the same, and that is what counts.
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.{n}.1",
        )
    r = client.post(
        "/accounts/login/",
        {"username": "olga", "password": "pw-olga"},
        HTTP_X_FORWARDED_FOR="10.200.0.1",
    )
    assert r.status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle(db, settings):
    settings.LODESTONE_TRUSTED_PROXIES = 0
    api = APIClient()
    answers = [
        api.post(
            TOKEN_URL, {"username": "nobody"}, format="json", HTTP_X_FORWARDED_FOR=f"10.1.{n}.1"
        ).status_code
        for n in range(30)
    ]
    assert answers.count(400) == 10  # LODESTONE_API_RATE_TOKEN, 10/min per address
    assert set(answers[10:]) == {429}


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(settings):
    factory = RequestFactory()
    spoofed = "6.6.6.6, 203.0.113.5"  # the client wrote 6.6.6.6; the proxy appended .5
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed)
    settings.LODESTONE_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.LODESTONE_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.5"
    settings.LODESTONE_TRUSTED_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"
    settings.LODESTONE_TRUSTED_PROXIES = 3  # fewer entries than proxies: not via the proxies
    assert client_ip(request) == "10.0.0.2"
    settings.LODESTONE_TRUSTED_PROXIES = 1
    junk = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(junk) == "10.0.0.2"


_OTHER_PROCESS = """
import django
django.setup()
from django.test import RequestFactory
from api.throttling import TokenRequestThrottle
request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="{address}")
print(sum(TokenRequestThrottle().allow_request(request, None) for _ in range(10)))
"""


@pytest.mark.parametrize("backend", ["configured", "database"])
def test_throttle_counts_are_shared_between_processes(transactional_db, backend, settings):
    """Another process (a second gunicorn worker) uses up an address's token allowance;
    this process then refuses that address. CI's configured cache is Redis."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    if backend == "database":
        env["CACHE_URL"] = "dbcache://lodestone_cache"
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "BACKEND":
                        "django.core.cache.backends.db.DatabaseCache",
                        "LOCATION": "lodestone_cache", "OPTIONS": {}}
        }  # fmt: skip
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        # The other process must use this test database (where the cache table is).
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        pytest.skip("the database cache across processes needs PostgreSQL")
    address = f"203.0.113.{random.randint(1, 254)}"
    out = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS.format(address=address)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "10", out.stderr
    request = RequestFactory().post(TOKEN_URL, REMOTE_ADDR=address)
    assert TokenRequestThrottle().allow_request(request, None) is False
    other = RequestFactory().post(TOKEN_URL, REMOTE_ADDR="192.0.2.200")
    assert TokenRequestThrottle().allow_request(other, None) is True

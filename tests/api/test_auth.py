import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import field_errors
from tests.api.factories import elements_create

TOKEN_URL = "/api/v1/auth/token/"


def test_a_user_exchanges_username_and_password_for_a_token_that_authenticates(officer):
    client = APIClient(enforce_csrf_checks=True)
    r = client.post(TOKEN_URL, {"username": "olga", "password": "pw-olga"}, format="json")
    assert r.status_code == 200
    assert r.json()["token"] == Token.objects.get(user=officer).key

    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_wrong_credentials_give_400_not_a_token(officer, anon_api):
    r = anon_api.post(TOKEN_URL, {"username": "olga", "password": "nope"}, format="json")
    assert r.status_code == 400
    assert "non_field_errors" in field_errors(r)
    assert not Token.objects.filter(user=officer).exists()


def test_token_request_without_fields_lists_each_missing_field(anon_api):
    r = anon_api.post(TOKEN_URL, {"username": "a\x00b"}, format="json")
    assert r.status_code == 400
    assert set(field_errors(r)) == {"username", "password"}


def test_a_user_revokes_their_own_token(officer_api, officer):
    assert officer_api.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=officer).exists()
    assert officer_api.get("/api/v1/cases/").status_code == 401


def test_revoking_needs_credentials(anon_api):
    assert anon_api.delete(TOKEN_URL).status_code == 401


def test_an_invalid_token_is_401(anon_api):
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anon_api.get("/api/v1/cases/").status_code == 401


def test_session_login_works_for_the_api_too(officer_client):
    assert officer_client.get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/",
        "/api/v1/producers/",
        "/api/v1/list-versions/",
        "/api/v1/quota-cycles/",
        "/api/v1/measures/",
        "/api/v1/watch-lists/",
        "/api/v1/reference-changes/",
        "/api/v1/schema/",
    ],
)
def test_every_endpoint_needs_credentials(anon_api, url):
    r = anon_api.get(url)
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Token")


def test_a_user_without_a_role_is_forbidden(no_role_api):
    assert no_role_api.get("/api/v1/cases/").status_code == 403


def test_a_superuser_issues_a_token_for_a_user_in_the_admin(client, django_user_model, officer):
    elements_create()
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "pw")
    client.force_login(admin)
    page = client.get("/admin/authtoken/tokenproxy/add/")
    assert page.status_code == 200
    r = client.post("/admin/authtoken/tokenproxy/add/", {"user": officer.pk})
    assert r.status_code == 302
    token = Token.objects.get(user=officer)
    # ...and revokes it.
    r = client.post(f"/admin/authtoken/tokenproxy/{officer.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()

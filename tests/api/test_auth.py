import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import field_errors
from tests.api.factories import elements_create

TOKEN_URL = "/api/v1/auth/token/"


def test_a_user_exchanges_username_and_password_for_a_token_that_authenticates(officer):
    client = APIClient(enforce_csrf_checks=True)
    r = client.post(TOKEN_URL, {"username": "olga", "password": "pw-olga"}, format="json")
    assert r.status_code == 200
    assert AuthToken.objects.filter(user=officer).count() == 1
    assert r.json()["expiry"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_wrong_credentials_give_400_not_a_token(officer, anon_api):
    r = anon_api.post(TOKEN_URL, {"username": "olga", "password": "nope"}, format="json")
    assert r.status_code == 400
    assert "non_field_errors" in field_errors(r)
    assert not AuthToken.objects.filter(user=officer).exists()


def test_token_request_without_fields_lists_each_missing_field(anon_api):
    r = anon_api.post(TOKEN_URL, {"username": "a\x00b"}, format="json")
    assert r.status_code == 400
    assert set(field_errors(r)) == {"username", "password"}


def test_a_user_revokes_their_own_token(officer_api, officer):
    assert officer_api.delete(TOKEN_URL).status_code == 204
    assert not AuthToken.objects.filter(user=officer).exists()
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
        "/api/v1/destination-restrictions/",
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


def test_a_superuser_sees_and_revokes_tokens_in_the_admin_but_cannot_create_one(
    client, django_user_model, officer, officer_api
):
    elements_create()
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "pw")
    client.force_login(admin)
    token = AuthToken.objects.get(user=officer)
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    listing = client.get("/admin/knox/authtoken/")
    assert listing.status_code == 200
    assert token.token_key in listing.text
    r = client.post(f"/admin/knox/authtoken/{token.digest}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert officer_api.get("/api/v1/cases/").status_code == 401

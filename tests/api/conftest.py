"""API clients per role: token auth (how other systems call), plus an anonymous client."""

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tests.api.factories import reference_world


def api_token(user) -> str:
    """The key a client sends as `Authorization: Token <key>` for `user`: a new knox token
    (only its digest is stored, so the key exists only in this answer).

    The one place tests get a token: if token storage changes, change this."""
    _, key = api_token_create(user=user)
    return key


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def field_errors(response) -> dict[str, list[str]]:
    """A 400's messages per field, after checking the body has the API's error shape."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body.keys() == {"detail", "code", "errors"}, body
    assert body["code"] == "invalid"
    return body["errors"]


@pytest.fixture
def world(db):
    return reference_world()


@pytest.fixture
def anon_api(db):
    return APIClient()


@pytest.fixture
def officer_api(officer):
    return token_client(officer)


@pytest.fixture
def viewer_api(viewer):
    return token_client(viewer)


@pytest.fixture
def staff_api(staff_user):
    return token_client(staff_user)


@pytest.fixture
def no_role_api(no_role_user):
    return token_client(no_role_user)

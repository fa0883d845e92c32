"""API clients per role: token auth (how other systems call), plus an anonymous client."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.factories import reference_world


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


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

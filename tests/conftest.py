"""Fixtures every test can use: one user per role, logged-in clients, and service checks.

A test that needs a real service (Redis, SMTP port, Chromium) calls `require_service`: in CI
(CI=true) a missing service fails the test; on a developer's machine it skips with a reason.
"""

import os

import pytest
from django.contrib.auth.models import Group

from registry.roles import OFFICER, STAFF, VIEWER

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI and is not available")
    pytest.skip(f"{what} is not available on this machine")


def make_user(django_user_model, username: str, role: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password="pw-" + username,
        email=f"{username}@example.test",
        first_name=username.capitalize(),
        **extra,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff_user(db, django_user_model):
    return make_user(django_user_model, "stella", STAFF, is_staff=True)


@pytest.fixture
def officer(db, django_user_model):
    return make_user(django_user_model, "olga", OFFICER)


@pytest.fixture
def second_officer(db, django_user_model):
    return make_user(django_user_model, "oscar", OFFICER)


@pytest.fixture
def viewer(db, django_user_model):
    return make_user(django_user_model, "victor", VIEWER)


@pytest.fixture
def no_role_user(db, django_user_model):
    return make_user(django_user_model, "nobody", None)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client

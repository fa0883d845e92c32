"""Issue 10 point 1: staff never hold token powers; tokens are shown once, stored as a
digest, expire, and die with a password change."""

import hashlib
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.roles import ROLE_PERMISSIONS, ROLES, STAFF
from tests.api.conftest import api_token, token_client
from tests.api.factories import case_create, elements_create

TOKEN_URL = "/api/v1/auth/token/"
TOKEN_APPS = {"authtoken", "knox"}


def _superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.test", "pw-root")


def test_staff_cannot_create_see_or_use_another_users_token(
    client, staff_user, officer, django_user_model
):
    elements_create()
    root = _superuser(django_user_model)
    case = case_create(actor=officer, owner=officer)
    root_key = api_token(root)
    client.force_login(staff_user)

    # No role grants a token permission, in the definition or in the database.
    assert not [p for perms in ROLE_PERMISSIONS.values() for p in perms if p.split(".")[0]
                in TOKEN_APPS]  # fmt: skip
    held = Permission.objects.filter(group__name__in=ROLES, content_type__app_label__in=TOKEN_APPS)
    assert not held.exists()
    assert not any(staff_user.has_perm(f"knox.{a}_authtoken") for a in ("add", "view"))

    # The token admin is closed to staff: no list (keys or prefixes), no add for anyone.
    assert client.get("/admin/knox/authtoken/").status_code == 403
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    r = client.post("/admin/knox/authtoken/add/", {"user": root.pk, "expiry": ""})
    assert r.status_code == 403
    # DRF's clear-key token admin is gone (it let staff make the superuser's key).
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404
    assert AuthToken.objects.filter(user=root).count() == 1
    assert root_key not in client.get("/admin/").text

    # Even granted the model permissions by hand, staff still get nothing from the admin.
    staff_group = Group.objects.get(name=STAFF)
    staff_group.permissions.add(*Permission.objects.filter(content_type__app_label="knox"))
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)  # forget cached permissions
    client.force_login(staff_user)
    assert client.get("/admin/knox/authtoken/").status_code == 403
    assert client.post("/admin/knox/authtoken/add/", {"user": root.pk}).status_code == 403

    # The account page lists only the staff member's own tokens.
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    assert root_key[:15] not in page.text
    assert client.post(f"/account/tokens/{AuthToken.objects.get(user=root).digest}/revoke/"
                       ).status_code == 404  # fmt: skip

    # The API hands out a token only for the password of the user named.
    r = APIClient().post(TOKEN_URL, {"username": "root", "password": "pw-stella"}, format="json")
    assert r.status_code == 400

    # So the PATCH of issue 10 (staff as the superuser) cannot happen: a made-up key is 401,
    # and the staff member's own token is refused the write (staff do not change cases).
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=f"Token {'0' * 64}")
    url = f"/api/v1/cases/{case.pk}/"
    assert forged.patch(url, {"buyer": "x"}, format="json").status_code == 401
    assert token_client(staff_user).patch(url, {"buyer": "x"}, format="json").status_code == 403
    case.refresh_from_db()
    assert case.buyer != "x"


def test_a_token_is_shown_once_and_only_its_digest_is_stored(officer):
    r = APIClient().post(TOKEN_URL, {"username": "olga", "password": "pw-olga"}, format="json")
    assert r.status_code == 200
    key = r.json()["token"]
    token = AuthToken.objects.get(user=officer)
    assert token.digest == hashlib.sha512(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert not any(key in value for value in stored)
    assert token.expiry > timezone.now() + timedelta(days=89)


def test_an_expired_token_is_refused(officer):
    client = token_client(officer)
    assert client.get("/api/v1/cases/").status_code == 200
    AuthToken.objects.filter(user=officer).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/cases/").status_code == 401


def test_the_account_page_creates_a_token_shown_once_and_revokes_it(client, officer):
    client.force_login(officer)
    page = client.post("/account/tokens/")
    assert page.status_code == 200
    key = page.context["new_key"]
    token = AuthToken.objects.get(user=officer)
    assert key in page.text
    assert key.startswith(token.token_key)
    again = client.get("/account/tokens/")
    assert key not in again.text
    assert token.token_key in again.text

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/cases/").status_code == 200
    r = client.post(f"/account/tokens/{token.digest}/revoke/")
    assert r.status_code == 302
    assert api.get("/api/v1/cases/").status_code == 401


def test_changing_ones_own_password_revokes_ones_tokens(client, officer):
    api = token_client(officer)
    client.force_login(officer)
    r = client.post(
        "/account/password/",
        {
            "old_password": "pw-olga",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    assert api.get("/api/v1/cases/").status_code == 401
    assert not AuthToken.objects.filter(user=officer).exists()


def test_an_admin_setting_a_password_revokes_that_users_tokens(
    client, officer, second_officer, django_user_model
):
    api = token_client(officer)
    other = token_client(second_officer)
    client.force_login(_superuser(django_user_model))
    r = client.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {
            "password1": "a-new-long-passphrase-42",
            "password2": "a-new-long-passphrase-42",
            "usable_password": "true",
        },
    )
    assert r.status_code == 302
    assert api.get("/api/v1/cases/").status_code == 401
    assert other.get("/api/v1/cases/").status_code == 200


def test_a_hash_upgrade_on_login_is_not_a_password_change(officer, settings):
    api = token_client(officer)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    assert officer.check_password("pw-olga")  # re-hashes with PBKDF2 and saves
    officer.refresh_from_db()
    assert officer.password.startswith("pbkdf2_")
    assert api.get("/api/v1/cases/").status_code == 200


def test_existing_clear_keys_become_hashed_knox_tokens(officer):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0002_authtoken_keys_to_knox")
    key = "0123456789abcdef0123456789abcdef01234567"  # a DRF authtoken key (40 hex)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz, "
            "user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [key, officer.pk])
    with connection.schema_editor() as editor:
        migration.keys_to_knox(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/cases/").status_code == 200

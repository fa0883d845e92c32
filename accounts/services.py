"""API tokens (django-rest-knox): stored as a SHA-512 digest, shown once, expiring after
REST_KNOX["TOKEN_TTL"] (LODESTONE_API_TOKEN_TTL_DAYS), revoked when the password changes.

A token is only ever created for the person asking for it (the account page, or the API
with their own password): no one, staff or superuser, creates a token for someone else.
"""

from __future__ import annotations

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from knox.models import AuthToken

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser) -> tuple[AuthToken, str]:
    """A new token for `user`; the raw key is returned here and never stored."""
    token, key = AuthToken.objects.create(user=user)
    logger.info("API token %s created for %s", token.token_key, user.get_username())
    return token, key


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, digest: str) -> bool:
    """Revoke one of `user`'s own tokens; False when they have no such token."""
    deleted, _ = AuthToken.objects.filter(user=user, digest=digest).delete()
    if deleted:
        logger.info("API token revoked by %s", user.get_username())
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, user: AbstractBaseUser, reason: str) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    if deleted:
        logger.info("%s API token(s) of %s revoked: %s", deleted, user.get_username(), reason)
    return deleted

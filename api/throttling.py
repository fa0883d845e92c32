"""API throttles, counted in the shared cache (CACHES["default"]: Redis when configured, the
database otherwise), so every web process sees the same counts, and keyed on the real client
address (accounts.network.client_ip), never on a header the client chose.

Rates are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings, docs/api.md).
"""

import logging

from django.db import DatabaseError
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from accounts.network import client_ip

logger = logging.getLogger(__name__)


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)

    def get_rate(self):
        # Read now, not at import (DRF's class attribute), so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        # An unreachable cache must not take the API down with it: let the request through
        # and say so (sign-in lockouts are rows in PostgreSQL and keep working).
        try:
            return super().allow_request(request, view)
        except (RedisError, DatabaseError) as exc:
            logger.warning("throttle %s not applied, cache unavailable: %s", self.scope, exc)
            return True


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    pass


class TokenRequestThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Password guessing through the token endpoint: per address, whoever is named."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

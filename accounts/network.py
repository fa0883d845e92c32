"""The client's address, in one place: login lockouts (axes) and API throttles key on it.

Each reverse proxy appends the address it received the request from to X-Forwarded-For, so
behind N trusted proxies the client is the Nth entry from the right; entries further left
were written by the client and prove nothing. With no trusted proxy (the default) the
header is ignored and the socket address (REMOTE_ADDR) is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.LODESTONE_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    candidate = forwarded[-proxies]
    return candidate if _valid(candidate) else remote

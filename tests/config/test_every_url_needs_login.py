"""Every page and endpoint requires login: walk the URL configuration, request each route
anonymously (path arguments filled with 1), and accept only a redirect to the login page,
401 or 403. A route added without protection fails here."""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Routes that must answer anonymous people: signing in, and getting an API token.
PUBLIC = {"/accounts/login/", "/api/v1/auth/token/", "/admin/login/"}
pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _concrete(route: str) -> str | None:
    """A path for the route with every argument set to 1; None for routes too irregular to
    fill (optional format suffixes and the like)."""
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)  # regex groups (admin, DRF router)
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)  # path converters
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    if any(c in route for c in "()[]?*+|"):
        return None
    return "/" + route


def test_anonymous_requests_to_every_route_are_refused(client):
    checked = 0
    for route in _routes(get_resolver().url_patterns):
        path = _concrete(route)
        if path is None or path in PUBLIC or path.startswith("/static/"):
            continue
        try:
            resolve(path)
        except Resolver404:  # an argument that "1" cannot fill (e.g. an element symbol)
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code == 302:
                assert "login" in response["Location"], (method, path, response["Location"])
            else:
                assert response.status_code in {401, 403, 405}, (
                    method,
                    path,
                    response.status_code,
                )
        checked += 1
    assert checked > 40  # the walk really covered the app's routes

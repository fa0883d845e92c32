"""Request/response rules that hold for every URL: no NUL characters in parameters, and no
caching of what Lodestone answers (every page and API answer shows confidential case or
reference data to a logged-in person)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control

NUL = "\x00"


def _nul_field(request: HttpRequest) -> str | None:
    """The name of the first parameter (query string or form body) that contains NUL."""
    if NUL in request.path:
        return "path"
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for params in sources:
        for key, values in params.lists():
            if NUL in key:
                return key.replace(NUL, "\\x00")
            if any(isinstance(v, str) and NUL in v for v in values):
                return key
    return None


class RejectNulMiddleware:
    """Answer 400 naming the parameter when a query or form value holds a NUL byte.

    PostgreSQL refuses NUL in text, so without this a NUL reached the database and answered
    500; SQLite stored it. One rule here keeps every view, filter and form the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _nul_field(request)
        if field is None:
            return self.get_response(request)
        message = f"The parameter {field!r} contains a NUL character, which is not allowed."
        if request.path.startswith("/api/"):
            # The API's error shape (api/errors.py): field-keyed under "errors".
            return JsonResponse(
                {"detail": message, "code": "invalid", "errors": {field: [message]}}, status=400
            )
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every dynamic answer that set no policy itself.

    Static files never reach this (WhiteNoise answers them first, with long-lived caching).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response

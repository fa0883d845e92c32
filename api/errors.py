"""Every error under /api/ is JSON with one shape, whoever raises it.

    {"detail": "Human-readable summary.", "code": "machine_code",
     "errors": {"field": ["message", ...], "elements.1.symbol": ["message"]}}

`errors` is present on validation errors only (400 `invalid`): one list of messages per
field, nested fields named by their path (`elements.1.symbol`), errors not tied to a field
under `non_field_errors`. Services raise django.core.exceptions.ValidationError (field-keyed
where possible); it comes back the same way.

Three entry points produce it:
- `exception_handler` (DRF's EXCEPTION_HANDLER) for what DRF views raise: 400, 401, 403,
  404, 405, 406, 415, 429. Anything else propagates, so Django logs it with its traceback.
- `handler400/403/404/500` (config/urls.py) for what happens outside a DRF view: an unknown
  URL, a request Django refuses, and every uncaught exception. Under /api/ they answer JSON;
  elsewhere Django's own pages.
- handler500 answers 503 with Retry-After (not 500) when the exception is the database being
  unreachable (OperationalError/InterfaceError): the client should retry, nothing is wrong
  with its request.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework import serializers as drf_serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
# How long a client should wait before retrying when the database is unreachable.
DATABASE_RETRY_AFTER_SECONDS = 30


class ErrorSerializer(drf_serializers.Serializer):
    """The body of every API error (4xx and 5xx)."""

    detail = drf_serializers.CharField(help_text="A human-readable summary.")
    code = drf_serializers.CharField(
        help_text="Machine-readable: invalid, parse_error, bad_request, not_authenticated, "
        "authentication_failed, permission_denied, forbidden, not_found, method_not_allowed, "
        "not_acceptable, unsupported_media_type, throttled, locked_out, conflict, server_error, "
        "database_unavailable."
    )
    errors = drf_serializers.DictField(
        child=drf_serializers.ListField(child=drf_serializers.CharField()),
        required=False,
        help_text="Validation errors only: messages per field (nested fields by path, "
        "e.g. `elements.1.symbol`; errors of the whole body under `non_field_errors`).",
    )

    class Meta:
        ref_name = "Error"


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None) -> dict:
    body = {"detail": str(detail), "code": str(code)}
    if errors is not None:
        body["errors"] = errors
    return body


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.path": [messages]}."""
    if isinstance(detail, Mapping):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(d, (Mapping, list)) for d in detail):
        items = enumerate(detail)  # a list of nested serializers' errors, one per item
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        if key == api_settings.NON_FIELD_ERRORS_KEY and prefix:
            path = prefix  # e.g. "elements": not a list (the field's own error)
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, (Mapping, list)) and not value:
            continue  # an item without errors
        flat.update(flatten_errors(value, path))
    return flat


def as_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                str(m) for m in DjangoValidationError(errors).messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, with service ValidationErrors as 400s and the body in the one shape."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django logs it and handler500 answers
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            exceptions.ValidationError.default_detail, "invalid", flatten_errors(exc.detail)
        )
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        response.data = error_body(detail, code)
    return response


# --- outside DRF: Django's error handlers (config/urls.py) -----------------------------------


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, detail: str, code: str, **headers) -> JsonResponse:
    return JsonResponse(error_body(detail, code), status=status, headers=headers)


def handler400(request, exception=None):
    if _is_api(request):
        # A BadRequest's message is meant for the client (e.g. which parameter holds a NUL);
        # a SuspiciousOperation's is not (it may describe the attack back to the attacker).
        detail = str(exception) if type(exception) is BadRequest and str(exception) else ""
        return _json(400, detail or "Bad request.", "bad_request")
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return _json(403, "You do not have permission to perform this action.", "forbidden")
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return _json(404, "Not found.", "not_found")
    return defaults.page_not_found(request, exception)


def handler500(request):
    # Django calls this inside its `except` block, so the exception is still at hand.
    if _is_api(request):
        if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
            return _json(
                503,
                "The database is unavailable; retry later.",
                "database_unavailable",
                **{"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
            )
        return _json(500, "Server error.", "server_error")
    return defaults.server_error(request)

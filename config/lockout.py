"""What a locked-out sign-in answers (AXES_LOCKOUT_CALLABLE): 429 on every login path, the
API's JSON error shape under /api/, an HTML page everywhere else (the site and the admin)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from api.errors import API_PREFIX, error_body


def _cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    seconds = _cool_off_seconds()
    minutes = max(1, seconds // 60)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            error_body(f"Too many failed sign-ins: locked for {minutes} minutes.", "locked_out"),
            status=429,
        )
    else:
        response = render(
            request, "registration/lockout.html", {"cool_off_minutes": minutes}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response

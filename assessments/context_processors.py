"""The caveats banner: every signed-in page names the system-wide caveats once."""

from django.utils import timezone

from assessments.selectors.caveats import system_caveats


def caveats(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    found = system_caveats(timezone.localdate())
    return {"system_caveats": found} if found else {}

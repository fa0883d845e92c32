"""The outbox banner: staff see on every page that mail is failing, until it goes out."""

from django.utils import timezone

from notifications import selectors


def outbox_trouble(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    trouble = selectors.outbox_trouble(now=timezone.now())
    return {"outbox_trouble": trouble} if trouble.any else {}

from django.db.models import QuerySet
from knox.models import AuthToken


def api_tokens_of(*, user) -> QuerySet[AuthToken]:
    """The user's own API tokens, newest first (only prefix, created and expiry are shown)."""
    return AuthToken.objects.filter(user=user).select_related("user").order_by("-created")

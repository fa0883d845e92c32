"""The signed-in person's own API tokens: list (prefix, created, expiry), create (the key is
shown on the answer page once), revoke. Nobody manages anyone else's tokens here."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import api_tokens_of
from accounts.services import api_token_create, api_token_revoke


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_key = None
    if request.method == "POST":
        _, new_key = api_token_create(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": api_tokens_of(user=request.user),
            "new_key": new_key,
            "ttl_days": settings.LODESTONE_API_TOKEN_TTL_DAYS,
        },
    )


@require_POST
def api_token_revoke_view(request, digest: str):
    if not api_token_revoke(user=request.user, digest=digest):
        raise Http404("No such token.")
    messages.success(request, "The token is revoked.")
    return redirect("accounts:api_tokens")

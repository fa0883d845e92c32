"""API tokens: obtain one with your username and password; revoke the one you call with.

Tokens are knox tokens (accounts.services): shown once, stored as a digest, expiring. People
also create and revoke their own on /account/tokens/. Nobody creates one for someone else.
The password check goes through authenticate(), so django-axes locks out repeated failures
(429, config.lockout) on this path as on the login pages.
"""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import api_token_create, api_token_revoke
from api.serializers.auth import TokenRequestSerializer, TokenSerializer
from api.throttling import AnonThrottle, TokenRequestThrottle


class TokenView(APIView):
    """POST: exchange credentials for a new token. DELETE: revoke the token in use."""

    def get_authenticators(self):
        # Obtaining a token needs no credentials (and must not trip the session's CSRF check).
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [AnonThrottle(), TokenRequestThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong credentials or missing fields."),
        },
        description="Exchange a username and password for a new API token, shown only in "
        "this answer (Lodestone stores a digest) and valid until `expiry`. Send it as "
        "`Authorization: Token <token>`. Repeated wrong passwords lock the user and the "
        "address out for a cool-off (429).",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with the provided credentials."]},
                code="authorization",
            )
        token, key = api_token_create(user=user)
        return Response({"token": key, "expiry": token.expiry})

    @extend_schema(
        operation_id="auth_token_destroy",
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked.")},
        description="Revoke the token this request is authenticated with (other tokens of "
        "yours stay; revoke them on /account/tokens/). With a session: 204, nothing revoked.",
    )
    def delete(self, request):
        if request.auth is not None:
            api_token_revoke(user=request.user, digest=request.auth.digest)
        return Response(status=status.HTTP_204_NO_CONTENT)

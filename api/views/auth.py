"""API tokens: obtain one with a username and password; revoke your own.

Staff issue and revoke tokens for other users in the admin (Auth Token > Tokens).
"""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from api.serializers.auth import TokenRequestSerializer, TokenSerializer


class TokenRequestThrottle(AnonRateThrottle):
    # Password guessing: a handful of attempts a minute per address is plenty for a system.
    rate = "20/min"


class TokenView(APIView):
    """POST: exchange credentials for a token (obtain_auth_token style). DELETE: revoke."""

    throttle_classes = []

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
            return [TokenRequestThrottle()]
        return []

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong credentials or missing fields."),
        },
        description="Exchange a username and password for an API token (the existing token "
        "when the user has one). Send it as `Authorization: Token <token>`.",
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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_destroy",
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="Your token is revoked.")},
        description="Revoke your own API token. A session user without a token gets 204 too.",
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

"""/api/v1/dispositions/: record one (officers), approve or reject it (another officer),
revoke it (its author or an approver). The services hold the rules; the pages call the same."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers.dispositions import (
    DispositionCreateSerializer,
    DispositionDecisionSerializer,
    DispositionSerializer,
)
from assessments.dispositions.decisions import (
    ADD_PERMISSION,
    disposition_approve,
    disposition_create,
    disposition_reject,
    disposition_revoke,
)
from assessments.models import Disposition

from .base import ReadOnlyViewSet

REFUSED = OpenApiResponse(
    description="Field-by-field errors: e.g. `approver` when the author tries to approve, "
    "`status` when it is no longer pending, `reason` when none is given."
)
APPROVE = "assessments.approve_disposition"


def _decision(summary: str, permission: str):
    """A decision on one disposition: POST /dispositions/{id}/<name>/ with a reason."""

    def decorate(handler):
        handler = action(detail=True, methods=["post"], required_perms={"POST": [permission]})(
            handler
        )
        return extend_schema(
            summary=summary,
            request=DispositionDecisionSerializer,
            responses={200: DispositionSerializer, 400: REFUSED},
        )(handler)

    return decorate


@extend_schema_view(
    list=extend_schema(description="Dispositions, newest first; filter by case, status, kind."),
    create=extend_schema(
        summary="Record a disposition, pending approval (compliance officer)",
        request=DispositionCreateSerializer,
        responses={201: DispositionSerializer, 400: REFUSED},
    ),
)
@extend_schema(tags=["dispositions"])
class DispositionViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    queryset = (
        Disposition.objects.select_related("case", "author", "approver")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )
    serializer_class = DispositionSerializer
    filterset_fields = ["case", "status", "kind"]
    required_perms = {"POST": [ADD_PERMISSION]}

    def _read(self, d: Disposition, code: int = status.HTTP_200_OK) -> Response:
        d = self.get_queryset().get(pk=d.pk)
        return Response(DispositionSerializer(d, context=self.get_serializer_context()).data, code)

    def create(self, request):
        data = DispositionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        d = disposition_create(actor=request.user, **values)
        return self._read(d, status.HTTP_201_CREATED)

    def _decide(self, request, decide, **extra) -> Response:
        d = self.get_object()
        data = DispositionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if decide is not disposition_approve:
            extra["reason"] = data.validated_data.get("reason", "")
        return self._read(decide(disposition=d, actor=request.user, **extra))

    @_decision("Approve: it applies, and the case is re-assessed (another officer)", APPROVE)
    def approve(self, request, pk=None):
        return self._decide(request, disposition_approve)

    @_decision("Reject a pending disposition, saying why (another officer)", APPROVE)
    def reject(self, request, pk=None):
        return self._decide(request, disposition_reject)

    @_decision(
        "Revoke a pending or approved one, saying why (its author or an approver)",
        "assessments.view_disposition",  # the service says who: the author or an approver
    )
    def revoke(self, request, pk=None):
        return self._decide(request, disposition_revoke)

"""Reference data: everyone with view rights reads it; staff write through registry services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers import registry as s
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Element,
    Measure,
    Producer,
    ProducerGroup,
    QuotaBatch,
    QuotaCycle,
    ReferenceChange,
    WatchList,
    WatchListEntry,
)
from registry.services.lists import approved_list_diff

from .base import ReadOnlyViewSet


@extend_schema(tags=["reference data"])
class ElementViewSet(ReadOnlyViewSet):
    queryset = Element.objects.all()
    serializer_class = s.ElementSerializer
    pagination_class = None
    lookup_value_regex = "[A-Za-z]{1,2}"


@extend_schema(tags=["reference data"])
class ProducerGroupViewSet(ReadOnlyViewSet):
    queryset = ProducerGroup.objects.all()
    serializer_class = s.ProducerGroupSerializer
    filterset_fields = ["confidence", "is_demo"]


@extend_schema(tags=["reference data"])
class ProducerViewSet(ReadOnlyViewSet):
    queryset = Producer.objects.select_related("group")
    serializer_class = s.ProducerSerializer
    filterset_fields = ["group", "kind", "confidence", "is_demo"]


@extend_schema(tags=["reference data"])
class ApprovedListVersionViewSet(ReadOnlyViewSet):
    queryset = ApprovedListVersion.objects.select_related("published_by").prefetch_related(
        Prefetch("entries", queryset=ApprovedListEntry.objects.select_related("producer"))
    )
    serializer_class = s.ApprovedListVersionSerializer
    detail_serializer_class = s.ApprovedListVersionDetailSerializer
    filterset_fields = ["status"]

    @extend_schema(
        operation_id="list_versions_diff",
        parameters=[s.ListDiffQuerySerializer],
        responses=s.ListDiffSerializer,
        description="Producers added, removed or with another status in version `b` "
        "compared with version `a`.",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def diff(self, request):
        query = s.ListDiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a, b = query.validated_data.get("a"), query.validated_data["b"]
        diff = approved_list_diff(a, b)
        data = {
            "a": a.pk if a else None,
            "b": b.pk,
            "added": diff.added,
            "removed": diff.removed,
            "status_changed": diff.status_changed,
        }
        return Response(s.ListDiffSerializer(data).data)


@extend_schema(tags=["reference data"])
class QuotaCycleViewSet(ReadOnlyViewSet):
    queryset = QuotaCycle.objects.prefetch_related(
        Prefetch(
            "batches",
            queryset=QuotaBatch.objects.prefetch_related("allocations__group"),
        ),
        "utilisations",
    )
    serializer_class = s.QuotaCycleSerializer
    detail_serializer_class = s.QuotaCycleDetailSerializer
    filterset_fields = ["year", "published"]


@extend_schema(tags=["reference data"])
class QuotaBatchViewSet(ReadOnlyViewSet):
    queryset = QuotaBatch.objects.prefetch_related("allocations__group")
    serializer_class = s.QuotaBatchSerializer
    filterset_fields = ["cycle"]


@extend_schema(tags=["reference data"])
class MeasureViewSet(ReadOnlyViewSet):
    queryset = Measure.objects.prefetch_related(
        "issuers", "elements", "suspensions__measure", "suspensions__suspended_by"
    )
    serializer_class = s.MeasureSerializer
    filterset_fields = ["confidence", "is_demo"]


@extend_schema(tags=["reference data"])
class WatchListViewSet(ReadOnlyViewSet):
    queryset = WatchList.objects.prefetch_related("entries")
    serializer_class = s.WatchListSerializer
    detail_serializer_class = s.WatchListDetailSerializer


@extend_schema(tags=["reference data"])
class WatchListEntryViewSet(ReadOnlyViewSet):
    queryset = WatchListEntry.objects.all()
    serializer_class = s.WatchListEntrySerializer
    filterset_fields = ["watch_list", "status"]


@extend_schema_view(
    list=extend_schema(description="Reference changes, newest first, with re-score progress.")
)
@extend_schema(tags=["reference data"])
class ReferenceChangeViewSet(ReadOnlyViewSet):
    queryset = ReferenceChange.objects.select_related("actor")
    serializer_class = s.ReferenceChangeSerializer
    filterset_fields = ["kind", "status"]

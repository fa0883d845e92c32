"""Reference data: everyone with view rights reads it; staff write through registry services."""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers import registry as s
from api.serializers.impact import ImpactSerializer
from registry import services
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    DestinationRestriction,
    Element,
    Measure,
    Producer,
    ProducerGroup,
    QuotaBatch,
    QuotaCycle,
    ReferenceChange,
    Suspension,
    TechnologyItem,
    WatchList,
    WatchListEntry,
    WatchNotice,
)
from registry.ports import impact_preview

from .base import ReadOnlyViewSet

VALIDATION_ERROR = OpenApiResponse(description="Field-by-field validation errors.")
PREVIEW = OpenApiParameter(
    "preview",
    bool,
    description="true: do not write; answer 200 with the impact (which open cases the write "
    "would move, computed on the proposed data and rolled back) instead.",
)


def previewable(written, code=status.HTTP_201_CREATED) -> dict:
    """The schema of a write that takes `?preview=true` (extend_schema's arguments): `code`
    with the object written, or 200 with the impact. A write that answers 200 itself answers
    one of the two."""
    responses = {400: VALIDATION_ERROR}
    if code == status.HTTP_200_OK:
        responses[200] = PolymorphicProxySerializer(
            component_name=f"{written.__name__.removesuffix('Serializer')}OrImpact",
            serializers=[written, ImpactSerializer],
            resource_type_field_name=None,
        )
    else:
        responses[code] = written
        responses[200] = ImpactSerializer
    return {"parameters": [PREVIEW], "responses": responses}


class PreviewMixin:
    """`?preview=true` on any write: the write runs through the same service inside a
    transaction that is rolled back, and the answer is the impact preview (issue 15)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permissions first
        method = request.method.lower()
        wanted = request.query_params.get("preview", "").lower() in ("1", "true", "yes")
        if method not in ("post", "put", "patch") or not wanted:
            return
        handler = getattr(self, method)

        def previewed(request, *args, **kwargs):
            impact = impact_preview(apply=lambda: handler(request, *args, **kwargs))
            return Response(ImpactSerializer(impact).data, status=status.HTTP_200_OK)

        setattr(self, method, previewed)


def _created(serializer_class, obj, code=status.HTTP_201_CREATED) -> Response:
    return Response(serializer_class(obj).data, status=code)


def _written(serializer_class, obj, changes: list, code=status.HTTP_201_CREATED) -> Response:
    """The object written and the last reference change the write recorded (see
    services.changes_recorded)."""
    context = {"reference_change": changes[-1] if changes else None}
    return Response(serializer_class(obj, context=context).data, status=code)


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


@extend_schema_view(
    create=extend_schema(
        summary="Create a draft list version (staff)",
        request=s.ListVersionCreateSerializer,
        **previewable(s.ApprovedListVersionDetailSerializer),
    )
)
@extend_schema(tags=["reference data"])
class ApprovedListVersionViewSet(PreviewMixin, mixins.CreateModelMixin, ReadOnlyViewSet):
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
        diff = services.approved_list_diff(a, b)
        data = {
            "a": a.pk if a else None,
            "b": b.pk,
            "added": diff.added,
            "removed": diff.removed,
            "status_changed": diff.status_changed,
        }
        return Response(s.ListDiffSerializer(data).data)

    def create(self, request):
        data = s.ListVersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.approved_list_version_create(actor=request.user, **data.validated_data)
        return _created(
            s.ApprovedListVersionDetailSerializer, self.get_queryset().get(pk=version.pk)
        )

    @extend_schema(
        summary="Put a producer on a draft version with a status (staff)",
        request=s.ListEntrySetSerializer,
        **previewable(s.ApprovedListEntrySerializer),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="entries",
        required_perms={"POST": ["registry.add_approvedlistentry"]},
    )
    def entry_set(self, request, pk=None):
        version = self.get_object()
        data = s.ListEntrySetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.approved_list_entry_set(
            version=version, actor=request.user, **data.validated_data
        )
        return _created(s.ApprovedListEntrySerializer, entry)

    @extend_schema(
        summary="Publish a draft version; affected open cases are re-scored (staff)",
        request=None,
        **previewable(s.ReferenceChangeSerializer),
    )
    @action(
        detail=True,
        methods=["post"],
        required_perms={"POST": ["registry.change_approvedlistversion"]},
    )
    def publish(self, request, pk=None):
        version = self.get_object()
        change = services.approved_list_publish(version=version, actor=request.user)
        return _created(s.ReferenceChangeSerializer, change)


@extend_schema(tags=["reference data"])
class QuotaCycleViewSet(PreviewMixin, ReadOnlyViewSet):
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

    @extend_schema(
        summary="Issue (or correct) a quota batch of this cycle (staff)",
        request=s.QuotaBatchIssueSerializer,
        **previewable(s.QuotaBatchWriteSerializer),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="batches",
        required_perms={"POST": ["registry.add_quotabatch", "registry.change_quotabatch"]},
    )
    def batch_issue(self, request, pk=None):
        cycle = self.get_object()
        data = s.QuotaBatchIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with services.changes_recorded() as changes:
            batch = services.quota_batch_issue(
                cycle=cycle, actor=request.user, **data.validated_data
            )
        return _written(s.QuotaBatchWriteSerializer, batch, changes)


@extend_schema(tags=["reference data"])
class QuotaBatchViewSet(PreviewMixin, ReadOnlyViewSet):
    queryset = QuotaBatch.objects.prefetch_related("allocations__group")
    serializer_class = s.QuotaBatchSerializer
    filterset_fields = ["cycle"]

    @extend_schema(
        summary="Set a group's allocation in this batch, of any cycle, published or not; "
        "affected open cases are re-scored (staff)",
        request=s.QuotaAllocationSetSerializer,
        **previewable(s.QuotaAllocationWriteSerializer),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="allocations",
        required_perms={
            "POST": ["registry.add_quotaallocation", "registry.change_quotaallocation"]
        },
    )
    def allocation_set(self, request, pk=None):
        batch = self.get_object()
        data = s.QuotaAllocationSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with services.changes_recorded() as changes:
            allocation = services.quota_allocation_set(
                batch=batch, actor=request.user, **data.validated_data
            )
        return _written(s.QuotaAllocationWriteSerializer, allocation, changes)


@extend_schema_view(
    partial_update=extend_schema(
        summary="Change a measure; cases in its old and new scope are re-scored (staff)",
        request=s.MeasureUpdateSerializer,
        **previewable(s.MeasureWriteSerializer, status.HTTP_200_OK),
    )
)
@extend_schema(tags=["reference data"])
class MeasureViewSet(PreviewMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    queryset = Measure.objects.prefetch_related(
        "issuers", "elements", "suspensions__measure", "suspensions__suspended_by"
    )
    serializer_class = s.MeasureSerializer
    filterset_fields = ["confidence", "is_demo"]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, pk=None):
        measure = self.get_object()
        data = s.MeasureUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with services.changes_recorded() as changes:
            services.measure_update(measure=measure, actor=request.user, **data.validated_data)
        measure = self.get_queryset().get(pk=measure.pk)
        return _written(s.MeasureWriteSerializer, measure, changes, status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(
        summary="Suspend a measure for a window (staff)",
        request=s.SuspensionWriteSerializer,
        **previewable(s.SuspensionWriteResultSerializer),
    ),
    update=extend_schema(
        summary="Change a suspension's window, instrument or note (staff)",
        request=s.SuspensionWriteSerializer,
        **previewable(s.SuspensionWriteResultSerializer, status.HTTP_200_OK),
    ),
)
@extend_schema(tags=["reference data"])
class SuspensionViewSet(
    PreviewMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyViewSet
):
    queryset = Suspension.objects.select_related("measure", "suspended_by")
    serializer_class = s.SuspensionSerializer
    filterset_fields = ["measure"]
    http_method_names = ["get", "post", "put", "head", "options"]

    def create(self, request):
        data = s.SuspensionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with services.changes_recorded() as changes:
            suspension = services.suspension_set(actor=request.user, **data.validated_data)
        return _written(s.SuspensionWriteResultSerializer, suspension, changes)

    def update(self, request, pk=None):
        suspension = self.get_object()
        data = s.SuspensionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {"suspended_by": None, "note": "", **data.validated_data}
        with services.changes_recorded() as changes:
            suspension = services.suspension_set(
                suspension=suspension, actor=request.user, **values
            )
        return _written(s.SuspensionWriteResultSerializer, suspension, changes, status.HTTP_200_OK)


@extend_schema(tags=["reference data"])
class WatchListViewSet(PreviewMixin, ReadOnlyViewSet):
    queryset = WatchList.objects.prefetch_related("entries")
    serializer_class = s.WatchListSerializer
    detail_serializer_class = s.WatchListDetailSerializer

    @extend_schema(
        summary="Add an entry (or change the entry of that name) on this list (staff)",
        request=s.WatchEntryWriteSerializer,
        **previewable(s.WatchListEntryWriteSerializer),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="entries",
        required_perms={"POST": ["registry.add_watchlistentry", "registry.change_watchlistentry"]},
    )
    def entry_upsert(self, request, pk=None):
        watch_list = self.get_object()
        data = s.WatchEntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with services.changes_recorded() as changes:
            entry = services.watch_list_entry_upsert(
                watch_list=watch_list, actor=request.user, **data.validated_data
            )
        return _written(s.WatchListEntryWriteSerializer, entry, changes)


@extend_schema_view(
    partial_update=extend_schema(
        summary="Change a watch-list entry; cases naming the party are re-scored (staff)",
        request=s.WatchEntryWriteSerializer,
        **previewable(s.WatchListEntryWriteSerializer, status.HTTP_200_OK),
    )
)
@extend_schema(tags=["reference data"])
class WatchListEntryViewSet(PreviewMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    queryset = WatchListEntry.objects.select_related("watch_list", "notice")
    serializer_class = s.WatchListEntrySerializer
    filterset_fields = ["watch_list", "status", "notice"]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = s.WatchEntryWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        with services.changes_recorded() as changes:
            entry = services.watch_list_entry_upsert(
                watch_list=entry.watch_list,
                entry=entry,
                name=values.pop("name", entry.name),
                actor=request.user,
                **values,
            )
        return _written(s.WatchListEntryWriteSerializer, entry, changes, status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        description="The MOFCOM notices that listed the watch-list entries, each with its "
        "status, suspension and effects (what a listing under it does to a shipment). Staff "
        "correct them in the admin (a reference change re-scores the cases naming its parties)."
    )
)
@extend_schema(tags=["reference data"])
class WatchNoticeViewSet(ReadOnlyViewSet):
    queryset = WatchNotice.objects.select_related("watch_list")
    serializer_class = s.WatchNoticeSerializer
    filterset_fields = ["watch_list", "status", "confidence"]
    lookup_field = "key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


@extend_schema_view(
    list=extend_schema(
        description="The technology catalogue items a technology case is classified under: "
        "the 2023 Catalogue of Technologies Prohibited or Restricted from Export and MOFCOM "
        "No. 62 of 2025's dual-use items (1E902)."
    )
)
@extend_schema(tags=["reference data"])
class TechnologyItemViewSet(ReadOnlyViewSet):
    queryset = TechnologyItem.objects.select_related("measure")
    serializer_class = s.TechnologyItemSerializer
    filterset_fields = ["klass", "measure", "confidence"]


@extend_schema_view(
    list=extend_schema(
        description="Destinations under UN Security Council sanctions or a Chinese "
        "countermeasure, dated and sourced: a case shipping to one within its window is at "
        "least `severity`. Staff maintain them in the admin (a reference change re-scores "
        "the cases shipping there)."
    )
)
@extend_schema(tags=["reference data"])
class DestinationRestrictionViewSet(ReadOnlyViewSet):
    queryset = DestinationRestriction.objects.all()
    serializer_class = s.DestinationRestrictionSerializer
    filterset_fields = ["country", "regime", "scope", "severity", "confidence", "is_demo"]


@extend_schema_view(
    list=extend_schema(description="Reference changes, newest first, with re-score progress.")
)
@extend_schema(tags=["reference data"])
class ReferenceChangeViewSet(ReadOnlyViewSet):
    queryset = ReferenceChange.objects.select_related("actor")
    serializer_class = s.ReferenceChangeSerializer
    filterset_fields = ["kind", "status"]

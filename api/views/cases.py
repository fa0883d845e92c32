"""Shipment cases over HTTP. Every write is one service call (shipments.services,
assessments.services); the view authorises, binds a serializer and shapes the answer."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.filters import CaseFilter
from api.serializers.cases import (
    AssessmentSerializer,
    CaseSerializer,
    CaseStatusSerializer,
    CaseWriteSerializer,
    ConflictSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    LicenceSerializer,
    RequiredDocumentsSerializer,
)
from assessments.models import Assessment
from shipments import services
from shipments.models import Case, CaseElement, CaseParty, CaseSource, Document, Licence
from shipments.services.licences import licence_create, licence_delete, licence_update

from .base import ApiViewMixin

VALIDATION_ERROR = OpenApiResponse(description="Field-by-field validation errors.")
CONFLICT = OpenApiResponse(
    ConflictSerializer, description="A case with this reference already exists."
)


def _case_queryset():
    """Cases with everything the serializer reads, in a constant number of queries."""
    return Case.objects.select_related("owner", "created_by", "technology_item").prefetch_related(
        Prefetch("case_elements", queryset=CaseElement.objects.select_related("element")),
        Prefetch("parties", queryset=CaseParty.objects.select_related("producer")),
        Prefetch("sources", queryset=CaseSource.objects.select_related("producer__group")),
        "watchers",
    )


@extend_schema_view(
    list=extend_schema(summary="List cases (filter, search, sort, paginate)"),
    retrieve=extend_schema(summary="Read a case"),
    create=extend_schema(
        summary="Open a case (assessed at once)",
        request=CaseWriteSerializer,
        responses={201: CaseSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change a case (re-assessed when a fact the assessment reads changed); "
        "`parties` or `sources`, when given, replace the case's lists",
        request=CaseWriteSerializer,
        responses={200: CaseSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
    ),
)
@extend_schema(tags=["cases"])
class CaseViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _case_queryset()

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return CaseWriteSerializer
        return super().get_serializer_class()

    def _conflict(self, reference: str, exclude_pk: int | None = None) -> Response | None:
        """409 with the existing case's URL when another case has this reference."""
        clash = Case.objects.filter(reference__iexact=reference.strip())
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        existing = clash.first()
        if existing is None:
            return None
        url = reverse("api:case-detail", kwargs={"pk": existing.pk}, request=self.request)
        body = {
            "detail": f"A case with reference {existing.reference} already exists.",
            "code": "conflict",
            "existing": {"id": existing.pk, "reference": existing.reference, "url": url},
        }
        return Response(body, status=status.HTTP_409_CONFLICT, headers={"Location": str(url)})

    def _read(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        case = _case_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data, code)

    def create(self, request):
        serializer = CaseWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        conflict = self._conflict(serializer.validated_data["reference"])
        if conflict is not None:
            return conflict
        case = services.case_create(actor=request.user, **serializer.to_service_kwargs())
        response = self._read(case, status.HTTP_201_CREATED)
        # A plain str: the URL field gives a Hyperlink (a str subclass) that strict WSGI
        # servers (wsgiref, so runserver) refuse as a header value.
        response["Location"] = str(response.data["url"])
        return response

    def partial_update(self, request, pk=None):
        case = self.get_object()
        serializer = CaseWriteSerializer(
            case, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        if "reference" in serializer.validated_data:
            conflict = self._conflict(serializer.validated_data["reference"], exclude_pk=case.pk)
            if conflict is not None:
                return conflict
        case = services.case_update(
            case=case, actor=request.user, changes=serializer.to_service_kwargs()
        )
        return self._read(case)

    @extend_schema(
        summary="Change a case's status (open, on hold, cleared, closed) with a reason",
        request=CaseStatusSerializer,
        responses={200: CaseSerializer, 400: VALIDATION_ERROR},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="status",
        required_perms={"POST": ["shipments.change_case"]},
    )
    def change_status(self, request, pk=None):
        case = self.get_object()
        serializer = CaseStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_status_change(
            case=case, actor=request.user, **serializer.validated_data
        )
        return self._read(case)

    @extend_schema(
        summary="The latest assessment, factor by factor with evidence",
        responses={200: AssessmentSerializer, 404: OpenApiResponse(description="Not assessed.")},
    )
    @action(
        detail=True,
        methods=["get"],
        required_perms={"GET": ["shipments.view_case", "assessments.view_assessment"]},
        filter_backends=[],
        pagination_class=None,
    )
    def assessment(self, request, pk=None):
        case = self.get_object()
        latest = (
            Assessment.objects.select_related("actor").filter(case=case).order_by("-pk").first()
        )
        if latest is None:
            raise NotFound("This case has not been assessed yet.")
        return Response(AssessmentSerializer(latest).data)

    @extend_schema(
        summary="The documents the case needs, from its latest assessment's inputs",
        responses={
            200: RequiredDocumentsSerializer,
            404: OpenApiResponse(description="Not assessed."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="required-documents",
        required_perms={"GET": ["shipments.view_case", "assessments.view_assessment"]},
        filter_backends=[],
        pagination_class=None,
    )
    def required_documents(self, request, pk=None):
        from assessments.presenters import checklist_line_data, required_documents
        from method.inputs import AssessmentInputs

        case = self.get_object()
        latest = (
            Assessment.objects.filter(case=case)
            .select_related("reference_part")
            .order_by("-pk")
            .only("pk", "inputs", "reference_part")
            .first()
        )
        if latest is None:
            raise NotFound("This case has not been assessed yet.")
        required = required_documents(AssessmentInputs.from_dict(latest.full_inputs))
        files = {
            name: [checklist_line_data(line) for line in lines]
            for name, lines in required.files.items()
        }
        body = {
            "assessment": latest.pk,
            "pathway": required.pathway,
            "files": files,
            "documents": [line for lines in files.values() for line in lines],
        }
        return Response(RequiredDocumentsSerializer(body).data)

    @extend_schema(
        summary="Assessment history, newest first",
        responses=AssessmentSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        required_perms={"GET": ["shipments.view_case", "assessments.view_assessment"]},
        filter_backends=[],
    )
    def assessments(self, request, pk=None):
        case = self.get_object()
        qs = Assessment.objects.select_related("actor").filter(case=case).order_by("-pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Re-assess the case now",
        request=None,
        responses={201: AssessmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        required_perms={"POST": ["shipments.view_case", "assessments.add_assessment"]},
    )
    def reassess(self, request, pk=None):
        from assessments.services import assessment_run

        case = self.get_object()
        assessment = assessment_run(case=case, trigger="manual", actor=request.user)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="A case's documents"),
    retrieve=extend_schema(summary="One document's metadata"),
    create=extend_schema(
        summary="Upload a document (multipart); the case is re-assessed",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, 400: VALIDATION_ERROR},
    ),
)
@extend_schema(tags=["cases"])
class CaseDocumentViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = None
    filter_backends = []

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(Case, pk=self.kwargs["case_pk"])
        return self._case

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return Document.objects.filter(case=self.get_case()).select_related("uploaded_by")

    def get_serializer_class(self):
        if self.action == "create":
            return DocumentUploadSerializer
        return super().get_serializer_class()

    def create(self, request, case_pk=None):
        case = self.get_case()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = services.case_document_add(
            case=case, actor=request.user, file=data.pop("file", None), **data
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List licence records"),
    retrieve=extend_schema(summary="Read a licence record"),
    create=extend_schema(
        summary="Record a licence",
        responses={201: LicenceSerializer, 400: VALIDATION_ERROR},
    ),
    partial_update=extend_schema(
        summary="Change a licence record (its active cases are re-assessed)",
        responses={200: LicenceSerializer, 400: VALIDATION_ERROR},
    ),
    destroy=extend_schema(
        summary="Delete a licence record no case draws on",
        responses={204: None, 400: VALIDATION_ERROR},
    ),
)
@extend_schema(tags=["licences"])
class LicenceViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LicenceSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Licence.objects.select_related("created_by")
            .prefetch_related("cases")
            .order_by("number", "pk")
        )

    def _read(self, licence: Licence, code: int = status.HTTP_200_OK) -> Response:
        licence = self.get_queryset().get(pk=licence.pk)
        return Response(
            LicenceSerializer(licence, context=self.get_serializer_context()).data, code
        )

    def create(self, request):
        serializer = LicenceSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        licence = licence_create(actor=request.user, **serializer.validated_data)
        response = self._read(licence, status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])
        return response

    def partial_update(self, request, pk=None):
        licence = self.get_object()
        serializer = LicenceSerializer(
            licence, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        licence = licence_update(
            licence=licence, actor=request.user, changes=dict(serializer.validated_data)
        )
        return self._read(licence)

    def destroy(self, request, pk=None):
        licence_delete(licence=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

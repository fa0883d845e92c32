"""/api/v1/: cases, reference data, tokens, the OpenAPI schema and its docs page.

Every API view opts out of LoginRequiredMiddleware (which knows nothing of tokens) and lets
DRF authenticate instead: token or session, 401 without either. The docs page is an HTML
page for people, so anonymous visitors are sent to the login page.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from api.views import auth, cases, dispositions, registry

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", cases.CaseViewSet, basename="case")
router.register("licences", cases.LicenceViewSet, basename="licence")
router.register("dispositions", dispositions.DispositionViewSet, basename="disposition")
router.register("elements", registry.ElementViewSet, basename="element")
router.register("producer-groups", registry.ProducerGroupViewSet, basename="producer-group")
router.register("producers", registry.ProducerViewSet, basename="producer")
router.register("list-versions", registry.ApprovedListVersionViewSet, basename="list-version")
router.register("quota-cycles", registry.QuotaCycleViewSet, basename="quota-cycle")
router.register("quota-batches", registry.QuotaBatchViewSet, basename="quota-batch")
router.register("measures", registry.MeasureViewSet, basename="measure")
router.register("suspensions", registry.SuspensionViewSet, basename="suspension")
router.register("watch-lists", registry.WatchListViewSet, basename="watch-list")
router.register("watch-list-entries", registry.WatchListEntryViewSet, basename="watch-list-entry")
router.register("watch-notices", registry.WatchNoticeViewSet, basename="watch-notice")
router.register("technology-items", registry.TechnologyItemViewSet, basename="technology-item")
router.register(
    "destination-restrictions",
    registry.DestinationRestrictionViewSet,
    basename="destination-restriction",
)
router.register("reference-changes", registry.ReferenceChangeViewSet, basename="reference-change")

documents = cases.CaseDocumentViewSet

api_patterns = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path(
        "cases/<int:case_pk>/documents/",
        documents.as_view({"get": "list", "post": "create"}),
        name="case-document-list",
    ),
    path(
        "cases/<int:case_pk>/documents/<int:pk>/",
        documents.as_view({"get": "retrieve"}),
        name="case-document-detail",
    ),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    *router.urls,
]
for pattern in api_patterns:
    login_not_required(pattern.callback)

urlpatterns = [
    path("v1/", include(api_patterns)),
    # DRF views opt out of LoginRequiredMiddleware themselves; the docs page is for people,
    # so it sends anonymous visitors to the login page instead of answering 401.
    path(
        "v1/docs/",
        # The split view serves Swagger UI's start-up script as a file (no inline script);
        # Swagger UI's page carries an inline <style>, allowed on this page only.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            login_required(
                SpectacularSwaggerSplitView.as_view(
                    url_name="api:schema", permission_classes=[IsAuthenticated]
                )
            )
        ),
        name="docs",
    ),
]

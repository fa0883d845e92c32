"""The project's URLs plus two API views that fail, for the 500 tests (and the handlers)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class FailingApiView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug in an API view")


def bad_request_view(request):
    raise BadRequest("The parameter q contains a NUL character.")


def failing_plain_view(request):
    raise RuntimeError("a bug in a plain view under /api/")


urlpatterns = [
    path("api/v1/test-failure/", login_not_required(FailingApiView.as_view())),
    path("api/v1/test-plain-failure/", login_not_required(failing_plain_view)),
    path("api/v1/test-bad-request/", login_not_required(bad_request_view)),
    path("test-page-failure/", failing_plain_view),  # a page, not the API: the HTML 500
    *urlpatterns,
]

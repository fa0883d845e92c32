"""The project's URLs, plus a stand-in for `registry:index` (base.html links to it) while the
registry pages do not exist yet. Used only when the real name does not resolve."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def _stub(request):
    return HttpResponse("reference data (stand-in)")


urlpatterns = [p for p in project_urlpatterns if getattr(p, "namespace", None) != "registry"] + [
    path("registry/", include(([path("", _stub, name="index")], "registry")))
]

"""The project's URLs plus stand-ins for page names base.html needs that may not exist yet."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path


def _stub(request):
    return HttpResponse("stub")


urlpatterns = [
    path("", _stub, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("cases/", include(([path("", _stub, name="case_list")], "shipments"))),
    path("registry/", include(([path("", _stub, name="index")], "registry"))),
    path("notifications/", include("notifications.urls")),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments import dashboard

admin.site.site_header = "Lodestone reference data"
admin.site.site_title = "Lodestone admin"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("cases/", include("shipments.urls")),
    path("registry/", include("registry.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("api.urls")),
]

# JSON under /api/, Django's pages elsewhere; a database outage is a 503 (api/errors.py).
handler400 = "api.errors.handler400"
handler403 = "api.errors.handler403"
handler404 = "api.errors.handler404"
handler500 = "api.errors.handler500"

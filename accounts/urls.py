from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:api_tokens"),
        ),
        name="password_change",
    ),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<str:digest>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]

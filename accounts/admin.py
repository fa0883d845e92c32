"""API tokens in the admin: superusers may see and revoke them, nobody may create one.

knox's own admin lets anyone with the model permissions create a token for any user and
shows it in a message; that is how a staff member could act as a superuser (issue 10).
Here the model permissions do not matter: only a superuser sees the tokens, and a token is
only ever created by its owner (the account page or the API with their own password).
"""

import knox.admin  # noqa: F401  (knox registers its admin on import; it is replaced below)
from django.contrib import admin
from knox.models import AuthToken

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("token_key", "user__username")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields
    ordering = ("-created",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

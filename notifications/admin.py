from django.contrib import admin

from .models import DigestItem, NotificationPreference, OutboxIncident, OutboxMessage


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "min_band", "last_digest_at", "updated_at"]
    list_filter = ["mode", "min_band"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["last_digest_at", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by notifications.services; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "kind", "to_address", "subject", "status", "attempts",
        "next_attempt_at", "sent_at",
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject", "dedupe_key", "case__reference"]
    date_hierarchy = "created_at"
    list_select_related = ["case"]
    fields = [
        "kind", "status", "recipient", "to_address", "subject", "attempts", "last_error",
        "created_at", "last_attempt_at", "next_attempt_at", "first_failed_at", "sent_at",
        "dedupe_key", "case", "assessment",
        "body_text", "body_html",
    ]  # fmt: skip
    readonly_fields = fields


@admin.register(DigestItem)
class DigestItemAdmin(ReadOnlyAdmin):
    list_display = ["user", "assessment", "created_at", "sent_in"]
    list_filter = [("sent_in", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "assessment__case__reference"]
    list_select_related = ["user", "assessment", "sent_in"]


@admin.register(OutboxIncident)
class OutboxIncidentAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "ended_at", "staff_notified_at", "is_open"]
    list_filter = ["is_open"]

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from assessments.ports import CASE_EVENTS
from core.admin import ReadOnlyAdmin

from .models import (
    DigestItem,
    NotificationPreference,
    OutboxIncident,
    OutboxMessage,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services import webhook_delivery_retry, webhook_endpoint_enable, webhook_endpoint_test


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "min_band", "last_digest_at", "updated_at"]
    list_filter = ["mode", "min_band"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["last_digest_at", "updated_at"]


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


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(event, event) for event in CASE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    """Staff configure the systems that listen (docs/api.md, "Webhooks")."""

    form = WebhookEndpointForm
    list_display = [
        "name", "url", "active", "events", "consecutive_failures", "disabled_at", "created_at",
    ]  # fmt: skip
    list_filter = ["active"]
    search_fields = ["name", "url"]
    actions = ["send_test_event", "enable"]
    readonly_fields = [
        "secret", "consecutive_failures", "disabled_at", "disabled_reason", "created_by",
        "created_at",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # The signing secret is for the people who configure receivers, and not before the
        # endpoint exists (it is generated when it is saved).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or not self.has_change_permission(request, obj):
            fields.remove("secret")
        return fields

    def get_fields(self, request, obj=None):
        return [*WebhookEndpointForm.Meta.fields, *self.get_readonly_fields(request, obj)]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.info(
                request,
                f"Give the receiver of {obj.name} its signing secret (on this page): "
                "it verifies the Lodestone-Signature header of every delivery.",
            )

    @admin.action(description="Send a test event", permissions=["change"])
    def send_test_event(self, request, queryset):
        sent = 0
        for endpoint in queryset:
            webhook_endpoint_test(endpoint=endpoint, actor=request.user)
            sent += 1
        self.message_user(
            request, f"Test event queued for {sent} endpoint(s); inactive ones send on enabling."
        )

    @admin.action(description="Re-enable (send what waits)", permissions=["change"])
    def enable(self, request, queryset):
        due = sum(
            webhook_endpoint_enable(endpoint=endpoint, actor=request.user) for endpoint in queryset
        )
        self.message_user(request, f"Re-enabled; {due} waiting deliveries are being sent.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "event", "endpoint", "case", "status", "attempts", "last_status_code",
        "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["event_id", "case__reference", "endpoint__name"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint", "case"]
    actions = ["retry_now"]
    fields = [
        "endpoint", "event", "event_id", "case", "status", "attempts", "last_status_code",
        "last_error", "created_at", "last_attempt_at", "next_attempt_at", "first_failed_at",
        "delivered_at", "body",
    ]  # fmt: skip
    readonly_fields = fields

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_webhookendpoint")

    @admin.action(description="Retry now (failed or dead)", permissions=["retry"])
    def retry_now(self, request, queryset):
        retried = skipped = 0
        for delivery in queryset:
            try:
                webhook_delivery_retry(delivery=delivery, actor=request.user)
            except ValidationError:
                skipped += 1
                continue
            retried += 1
        self.message_user(
            request,
            f"{retried} queued for another attempt; {skipped} skipped (not failed or dead).",
            messages.SUCCESS if retried else messages.WARNING,
        )

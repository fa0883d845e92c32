"""E-mail as data: each user's preference, the outbox, and the items waiting for a digest.

Digest design: a pending digest line is a `DigestItem` row (user, assessment, sent_in=None).
Rows are written when a band worsens for a user in digest mode (services.band_worsened_notify)
and, at digest time, for every other band change on the user's cases since their last digest
that did not reach them as an immediate alert (services.digest_build_and_queue). A digest
e-mail then claims the pending rows by setting `sent_in`, so each change appears in exactly
one digest, and the rows remain as the record of what was reported.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assessments.ports import CASE_EVENTS
from shipments.choices import Band

from .choices import DeliveryMode, DeliveryStatus, MessageKind, MessageStatus


class NotificationPreference(models.Model):
    """How one user hears about band changes. Created lazily with the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mode = models.CharField(
        "send band alerts",
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.IMMEDIATE,
    )
    min_band = models.CharField(
        "lowest band that sends an alert",
        max_length=10,
        choices=Band.choices,
        default=Band.MEDIUM,
        help_text="A case that worsens to this band or above alerts you at once; "
        "other band changes wait for the daily digest.",
    )
    document_reminders = models.CharField(
        "send document expiry reminders",
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.DIGEST,
        help_text="A document of one of your open cases that expires within 30 days.",
    )
    last_digest_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the window the last digest covered."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification preference"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_mode_display()} from {self.get_min_band_display()}"


class RetryChain(models.Model):
    """A row sent by a flush with its own retry schedule (services._rows): e-mail and
    webhook deliveries keep the same chain, so one claim, backoff and dead-letter rule
    serves both. The concrete model adds `status` with the pending/sending/failed/dead
    values of MessageStatus."""

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        default=timezone.now,
        help_text="When the flush sends (or retries) it; empty once sent or dead.",
    )
    first_failed_at = models.DateTimeField(
        null=True, blank=True, help_text="The first failure of the current run of failures."
    )

    class Meta:
        abstract = True


class OutboxMessage(RetryChain):
    """One e-mail to one person, sent by notifications.tasks.outbox_flush.

    `dedupe_key` names what the message is about (e.g. ``alert:<assessment>:<user>``), so the
    same alert or digest is never queued twice however often its service runs. An alert row
    is written in the transaction that decided it (the re-score's chunk) with its subject
    only; its body is rendered when it is first sent and kept on the row.

    The retry schedule lives on the row: a row is due when `next_attempt_at` has passed and
    it is pending, failed, or sending past its lease (the sender died). Each failure moves
    `next_attempt_at` out (exponential backoff up to hours); a row still failing a day after
    `first_failed_at` becomes a dead letter, which only staff re-queue.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    to_address = models.EmailField()
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    subject = models.CharField(max_length=250)
    body_text = models.TextField(blank=True, help_text="Empty until an alert is first sent.")
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(
        "shipments.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outbox message"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
                violation_error_message="A sent message records when it was sent.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["next_attempt_at"], name="outbox_next_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address} ({self.get_status_display()})"


class DigestItem(models.Model):
    """A band change waiting for (or already reported in) a user's daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="digest_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_in = models.ForeignKey(
        OutboxMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digest_items",
        help_text="The digest e-mail that reported this change; empty while pending.",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "assessment"], name="digest_item_once"),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(sent_in__isnull=True), name="digest_item_pending"
            ),
        ]

    def __str__(self) -> str:
        state = "pending" if self.sent_in_id is None else f"sent in #{self.sent_in_id}"
        return f"{self.user} / assessment {self.assessment_id} ({state})"


class OutboxIncident(models.Model):
    """A run of time during which outbox mail was failing (or dead), and whether staff
    were told. Opened and closed by the outbox flush; at most one is open at a time, so the
    staff group gets one e-mail per incident, not one per row or per flush."""

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    staff_notified_at = models.DateTimeField(null=True, blank=True)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=Q(is_open=True), name="outbox_incident_one_open"
            ),
            models.CheckConstraint(
                condition=Q(is_open=True) | Q(ended_at__isnull=False),
                name="outbox_incident_closed_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Outbox incident from {self.started_at:%Y-%m-%d %H:%M}" + (
            "" if self.is_open else f" to {self.ended_at:%Y-%m-%d %H:%M}"
        )


class DocumentReminder(models.Model):
    """That a case document expires soon, told once to the case owner.

    One row per document and expiry date (a document renewed to a new date is reminded
    again): the row is the idempotency record whatever the owner's mode. In digest mode it
    waits (`sent_in` empty) for the owner's next digest; immediately, `sent_in` is its own
    e-mail; with reminders off it records that nothing was sent.
    """

    document = models.ForeignKey(
        "shipments.Document", on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    expires_on = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_reminders"
    )
    mode = models.CharField(max_length=10, choices=DeliveryMode.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_in = models.ForeignKey(
        OutboxMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_reminders",
        help_text="The e-mail (alert or digest) that carried the reminder.",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "expires_on"], name="document_reminder_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=Q(sent_in__isnull=True, mode="digest"),
                name="document_reminder_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} expires {self.expires_on} ({self.user})"


def webhook_secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A system that hears about case events (assessments.ports.CASE_EVENTS) by HTTP POST.

    Configured by staff in the admin. Every body is signed with `secret` (HMAC-SHA256, see
    docs/api.md), so the secret is stored as it is shown. After `LODESTONE_WEBHOOK_DISABLE_AFTER`
    failed attempts in a row the sender disables the endpoint (`disabled_at`, `disabled_reason`)
    and tells staff; deliveries keep being queued for it and go out once staff re-enable it.
    An endpoint staff switched off themselves (inactive, no `disabled_at`) queues nothing.
    """

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where Lodestone POSTs the events (https, or http inside your network).",
    )
    secret = models.CharField(
        max_length=100,
        default=webhook_secret_new,
        editable=False,
        help_text="Signs every body (Lodestone-Signature); give it to the receiver.",
    )
    events = models.JSONField(
        default=list,
        blank=True,
        help_text="The events to send, from: " + ", ".join(CASE_EVENTS) + ". Empty: all.",
    )
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When repeated failures disabled it."
    )
    disabled_reason = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret", "consecutive_failures"])

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook endpoint"
        constraints = [
            models.CheckConstraint(
                condition=Q(disabled_at__isnull=True) | Q(active=False),
                name="webhook_endpoint_disabled_is_inactive",
                violation_error_message="An endpoint disabled by failures is inactive.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        events = self.events
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise ValidationError({"events": "A list of event names."})
        unknown = sorted(set(events) - set(CASE_EVENTS))
        if unknown:
            raise ValidationError({"events": f"Unknown events: {', '.join(unknown)}."})
        self.events = sorted(set(events), key=CASE_EVENTS.index)

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(RetryChain):
    """One event for one endpoint: the JSON body, and its retry chain (as OutboxMessage's).

    `event_id` is the event's id (body "id", header Lodestone-Delivery): the same on every
    attempt, so receivers drop the repeat of a delivery whose acknowledgement was lost.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=40)
    case = models.ForeignKey(
        "shipments.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
    )
    body = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_has_delivered_at",
                violation_error_message="A delivered webhook records when it was delivered.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.DEAD])
                | Q(next_attempt_at__isnull=False),
                name="webhook_delivery_open_has_next_attempt",
                violation_error_message="A delivery still to send has its next attempt.",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_next_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.get_status_display()})"

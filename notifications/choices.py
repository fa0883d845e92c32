from django.db import models


class DeliveryMode(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, one e-mail per worsened case"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Never"


class MessageKind(models.TextChoices):
    ALERT = "alert", "Band worsened alert"
    DIGEST = "digest", "Daily digest"
    STAFF = "staff", "Outbox trouble notice to staff"
    REMINDER = "reminder", "Document expiry reminder"
    WEBHOOK = "webhook", "Webhook endpoint disabled notice to staff"
    MENTION = "mention", "Mentioned in a comment or given a case"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DEAD = "dead", "Dead letter"


class DeliveryStatus(models.TextChoices):
    """A webhook delivery's state; the retry states share the outbox's values (services._rows)."""

    PENDING = MessageStatus.PENDING.value, "Pending"
    SENDING = MessageStatus.SENDING.value, "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = MessageStatus.FAILED.value, "Failed"
    DEAD = MessageStatus.DEAD.value, "Dead letter"

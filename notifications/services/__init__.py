"""Notification services: outbox rows, sending them, band alerts, daily digests.
Split into preferences, rendering, alerts (queueing), kick, outbox (sending) and digests;
outbound webhooks in webhooks (queueing, staff's controls) and webhook_sending.

Who hears about a band change, and how (each change reaches a person once):
- mode ``immediate``: a band that worsens to `min_band` or above is e-mailed at once
  (`band_worsened_queue` in the re-score's transaction); every other band change on their
  cases (improvements, worsening below `min_band`) is in their next daily digest.
- mode ``digest``: every band change on their cases is in their next daily digest.
- mode ``off``: nothing.

Sending is at-least-once only where it cannot be otherwise: a worker that dies after the
SMTP server accepted a message but before the row says "sent" leaves it in ``sending``;
after `SENDING_LEASE` it is sent again (with the same Message-ID, so mail clients can fold
the duplicate). Everywhere else a row is claimed under a row lock and sent once.
"""

from notifications.services._common import (
    DIGEST_FIRST_WINDOW,
    DIGEST_MAX_LOOKBACK,
    FLUSH_BATCH,
    OUTBOX_BACKOFF_FIRST,
    OUTBOX_BACKOFF_MAX,
    OUTBOX_DEAD_AFTER,
    OUTBOX_STAFF_NOTICE_AFTER,
    SENDING_LEASE,
    outbox_backoff,
)
from notifications.services.alerts import (
    Worsened,
    alert_dedupe_key,
    band_worsened_notify,
    band_worsened_queue,
)
from notifications.services.digests import digest_build_and_queue
from notifications.services.kick import outbox_kick, webhooks_kick
from notifications.services.outbox import (
    FlushResult,
    outbox_flush_due,
    outbox_incident_update,
    outbox_message_retry,
    outbox_message_send,
)
from notifications.services.preferences import preference_get, preference_update
from notifications.services.reminders import REMINDER_WINDOW, document_expiry_reminders_queue
from notifications.services.rendering import FactorChange, case_url, factor_changes
from notifications.services.webhook_sending import (
    WebhookFlushResult,
    webhook_deliveries_send_due,
    webhook_delivery_send,
    webhook_signature,
)
from notifications.services.webhooks import (
    webhook_deliveries_queue,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_endpoint_test,
)

__all__ = [
    "DIGEST_FIRST_WINDOW",
    "DIGEST_MAX_LOOKBACK",
    "FLUSH_BATCH",
    "OUTBOX_BACKOFF_FIRST",
    "OUTBOX_BACKOFF_MAX",
    "OUTBOX_DEAD_AFTER",
    "OUTBOX_STAFF_NOTICE_AFTER",
    "REMINDER_WINDOW",
    "SENDING_LEASE",
    "FactorChange",
    "FlushResult",
    "WebhookFlushResult",
    "Worsened",
    "alert_dedupe_key",
    "band_worsened_notify",
    "band_worsened_queue",
    "case_url",
    "digest_build_and_queue",
    "document_expiry_reminders_queue",
    "factor_changes",
    "outbox_backoff",
    "outbox_flush_due",
    "outbox_incident_update",
    "outbox_kick",
    "outbox_message_retry",
    "outbox_message_send",
    "preference_get",
    "preference_update",
    "webhook_deliveries_queue",
    "webhook_deliveries_send_due",
    "webhook_delivery_retry",
    "webhook_delivery_send",
    "webhook_endpoint_create",
    "webhook_endpoint_enable",
    "webhook_endpoint_test",
    "webhook_signature",
    "webhooks_kick",
]

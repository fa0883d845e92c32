"""Each person's choice of when Lodestone e-mails them."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from notifications.models import NotificationPreference

# --- Preferences


def preference_get(*, user: AbstractBaseUser) -> NotificationPreference:
    """The user's preference, created with the defaults (immediate, from medium) on first use."""
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def preference_update(
    *, user: AbstractBaseUser, mode: str, min_band: str, document_reminders: str | None = None
) -> NotificationPreference:
    """Set how band changes reach the user and, when given, how document expiry
    reminders do (None keeps it)."""
    preference_get(user=user)
    preference = NotificationPreference.objects.select_for_update().get(user=user)
    preference.mode = mode
    preference.min_band = min_band
    if document_reminders is not None:
        preference.document_reminders = document_reminders
    preference.full_clean()
    preference.save(update_fields=["mode", "min_band", "document_reminders", "updated_at"])
    return preference

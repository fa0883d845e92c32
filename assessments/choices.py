from django.db import models

from method.choices import DISPOSITION_KINDS


class Trigger(models.TextChoices):
    CREATED = "created", "Case created"
    EDITED = "edited", "Case edited"
    REFERENCE_CHANGE = "reference_change", "Reference data changed"
    SCHEDULED = "scheduled", "Scheduled sweep"
    MANUAL = "manual", "On demand"
    DISPOSITION = "disposition", "Disposition approved or revoked"


_KIND_LABELS = {
    "false_positive": "False positive",
    "confirmed_match": "Confirmed match",
    "risk_accepted": "Risk accepted",
}
# The method owns the vocabulary (method/choices.py); the choices give it labels.
DispositionKind = models.TextChoices(
    "DispositionKind", [(kind.upper(), (kind, _KIND_LABELS[kind])) for kind in DISPOSITION_KINDS]
)


class DispositionStatus(models.TextChoices):
    """Pending until a second officer approves it; only approved ones are method inputs.
    Approved ones end revoked (by a person), reopened (what they rested on changed) or
    lapsed (expiry); the last two are decided by an assessment (`dispositions_settle`)."""

    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REVOKED = "revoked", "Revoked"
    REOPENED = "reopened", "Reopened"
    LAPSED = "lapsed", "Lapsed"

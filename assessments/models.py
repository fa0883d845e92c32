from django.conf import settings
from django.db import models
from django.db.models import Q

from shipments.choices import Band

from .choices import Trigger


class Assessment(models.Model):
    """An immutable snapshot: the result of the pure method on stored inputs.

    `inputs` holds the serialised method inputs and `inputs_hash` their sha256, so that
    assessments.services.assessment_replay can re-run the method and confirm the result.
    Rows are only ever inserted (assessments.services); the admin shows them read-only.
    """

    case = models.ForeignKey("shipments.Case", on_delete=models.CASCADE, related_name="assessments")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    as_of = models.DateField(help_text="The date assessed: the planned ship date, or today.")
    band = models.CharField(max_length=10, choices=Band.choices)
    score = models.PositiveSmallIntegerField()
    method_version = models.CharField(max_length=20)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system assessed (reference change, sweep).",
    )
    reference_change = models.ForeignKey(
        "registry.ReferenceChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    factors = models.JSONField(help_text="Factor results, worst first.")
    versions = models.JSONField(
        default=dict, help_text="Reference data used: list version, quota cycle, measures, lists."
    )
    inputs = models.JSONField()
    inputs_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            # A reference change re-scores a case at most once, however often it is processed.
            models.UniqueConstraint(
                fields=["case", "reference_change"],
                condition=Q(reference_change__isnull=False),
                name="assessment_once_per_change",
            ),
        ]
        indexes = [models.Index(fields=["case", "-created_at"], name="assessment_case_latest")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.band} ({self.created_at:%Y-%m-%d %H:%M})"

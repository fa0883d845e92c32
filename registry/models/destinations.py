from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from registry.choices import Confidence, DestinationRegime, DestinationScope, DestinationSeverity
from registry.validators import validate_country_code


class DestinationRestriction(models.Model):
    """A destination under UN Security Council sanctions or a Chinese countermeasure.

    The shipment's destination country is what it is matched on, within the dated window
    [effective_from, effective_to); `scope` says whether any item is caught or only
    military end users and end uses, and `severity` is the floor it sets for a case it
    matches. Facts, not rules: the method decides how a match moves the band.
    """

    country = models.CharField(
        max_length=2, validators=[validate_country_code], help_text="ISO 3166 alpha-2 code."
    )
    regime = models.CharField(max_length=20, choices=DestinationRegime.choices)
    scope = models.CharField(max_length=20, choices=DestinationScope.choices)
    severity = models.CharField(
        max_length=10,
        choices=DestinationSeverity.choices,
        help_text="The floor it sets for a matching case.",
    )
    title = models.CharField(max_length=300)
    instrument = models.CharField(
        max_length=200, help_text="The resolution or announcement number, e.g. UNSCR 1718 (2006)."
    )
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="First day it no longer applies (exclusive)."
    )
    source = models.CharField(max_length=500, blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    notes = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a fact.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="destination_window_ordered",
                violation_error_message="A destination restriction's end (effective_to) must "
                "come after its start (effective_from).",
            ),
            # The natural key the loader and the import match on.
            models.UniqueConstraint(
                fields=["country", "instrument"],
                name="destination_unique_instrument",
                violation_error_message="This country already has a restriction under this "
                "instrument.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.title}"

    def clean(self) -> None:
        # The constraint's message names no field; say which one is wrong in the form too.
        if self.effective_to and self.effective_from and self.effective_to <= self.effective_from:
            raise ValidationError(
                {"effective_to": "The effective end must come after the effective start."}
            )


# What a person records about a restriction (every column but its id): the one list the
# service's snapshot, the admin and the import/export use.
DESTINATION_FIELDS: tuple[str, ...] = tuple(
    f.name for f in DestinationRestriction._meta.concrete_fields if f.name != "id"
)

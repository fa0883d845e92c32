from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from registry.choices import Confidence, FacilityKind
from registry.validators import validate_uscc


class ProducerGroup(models.Model):
    """A state-linked producer group; consolidation is recorded as a successor link."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    listing = models.CharField(max_length=200, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The group that absorbed this one.",
    )
    absorbed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def quota_holder(self, on=None) -> "ProducerGroup":
        """Follow successor links (absorbed on or before `on`) to the group that holds quota."""
        group, seen = self, set()
        while group.successor_id and group.pk not in seen:
            if on and group.absorbed_on and group.absorbed_on > on:
                break
            seen.add(group.pk)
            group = group.successor
        return group


class Producer(models.Model):
    """A producer or facility: mine, separation plant, smelter, magnet maker or trader."""

    group = models.ForeignKey(
        ProducerGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="producers"
    )
    kind = models.CharField(max_length=20, choices=FacilityKind.choices)
    name_en = models.CharField("name (English)", max_length=200)
    name_zh = models.CharField("name (Chinese)", max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    uscc = models.CharField(
        "Unified Social Credit Code",
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text="18 characters; unique when present.",
    )
    province = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a fact.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="producer_uscc_unique_when_present",
                violation_error_message="Another producer already has this Unified Social "
                "Credit Code.",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

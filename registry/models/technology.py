from django.db import models
from simple_history.models import HistoricalRecords

from method.choices import TECHNOLOGY_CLASSES
from registry.choices import Confidence

from .measures import Measure

# (member name, (value, label)): the value must be the method's word, e.g. "dual_use".
TechnologyClass = models.TextChoices(
    "TechnologyClass",
    [(c.upper(), (c, c.replace("_", "-").capitalize())) for c in TECHNOLOGY_CLASSES],
)


class TechnologyItem(models.Model):
    """One item of a technology export catalogue a technology case is classified under:
    the 2023 Catalogue of Technologies Prohibited or Restricted from Export (prohibited or
    restricted), or a dual-use control code of MOFCOM No. 62 of 2025 (1E902)."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    klass = models.CharField("class", max_length=12, choices=TechnologyClass.choices)
    control_code = models.CharField(max_length=20, blank=True)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="technology_items")
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    source = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "klass", "title"]

    def __str__(self) -> str:
        code = f"{self.control_code} " if self.control_code else ""
        return f"{code}{self.title} ({self.get_klass_display().lower()})"

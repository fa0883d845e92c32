from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import CalendarDayKind, Confidence


class HolidayNotice(models.Model):
    """The State Council notice that fixes one year's holidays; a year without one is not
    known, and working-day counts that reach into it are flagged "verify"."""

    year = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    doc_no = models.CharField(max_length=100, blank=True)
    published_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class CalendarDay(models.Model):
    """An exception to the Monday-Friday rule in China's working-day calendar."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

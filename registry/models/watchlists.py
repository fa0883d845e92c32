from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import Confidence, WatchEntryStatus
from registry.validators import validate_country_code


class WatchList(models.Model):
    """A party list (e.g. MOFCOM's Unreliable Entity List), kept as one current version."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=2, default="CN", validators=[validate_country_code])
    version_date = models.DateField(help_text="The date the list content is current as of.")
    effect = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version_date})"


class WatchListEntry(models.Model):
    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="entries")
    name = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=300, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country_code])
    identifiers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=WatchEntryStatus.choices, default=WatchEntryStatus.ACTIVE
    )
    suspended_until = models.DateField(null=True, blank=True)
    date_added = models.DateField(null=True, blank=True)
    announcement = models.CharField(max_length=200, blank=True)
    effective_on = models.DateField(
        null=True, blank=True, help_text="When the listing took effect, if not on date_added."
    )
    note = models.TextField(blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a fact.")
    source = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["watch_list", "name"]
        verbose_name_plural = "watch list entries"
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> list[str]:
        return [n for n in [self.name, self.name_zh, *self.aliases] if n]


# What a person records about an entry (every column but its id and its list): the one list
# the service, the admin, the import/export and the API use.
WATCH_ENTRY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in WatchListEntry._meta.concrete_fields if f.name not in ("id", "watch_list")
)

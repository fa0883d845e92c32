from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from method.choices import WATCH_EFFECTS
from registry.choices import Confidence, WatchEntryStatus
from registry.validators import validate_choice_list, validate_country_code

# (member name, (value, label)): the value is the method's word, e.g. "trade_ban".
WatchEffect = models.TextChoices(
    "WatchEffect", [(e.upper(), (e, e.replace("_", " ").capitalize())) for e in WATCH_EFFECTS]
)


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


class WatchNotice(models.Model):
    """One MOFCOM notice that put parties on a list, with what it does to them.

    `effects` are the method's WATCH_EFFECTS (method/choices.py): what a listing under this
    notice means for a shipment. The loader derives them from the notice's measures and its
    list (registry.loading.notice_effects); staff correct them here. A notice's status and
    suspension carry its entries (WatchListEntry.effective_status).
    """

    key = models.SlugField(
        max_length=60, unique=True, help_text='The announcement id, e.g. "uel-2025-04-04".'
    )
    watch_list = models.ForeignKey(WatchList, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(max_length=200, blank=True, help_text="Blank: number not known.")
    date = models.DateField()
    status = models.CharField(
        max_length=20, choices=WatchEntryStatus.choices, default=WatchEntryStatus.ACTIVE
    )
    suspended_until = models.DateField(
        null=True, blank=True, help_text="First day the measures apply again (exclusive)."
    )
    effects = models.JSONField(default=list, blank=True, help_text="WATCH_EFFECTS, e.g. trade_ban.")
    measures = models.JSONField(default=list, blank=True, help_text="The measures, as announced.")
    sources = models.JSONField(default=list, blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "key"]

    def __str__(self) -> str:
        return f"{self.number or self.key} ({self.date})"

    def clean(self) -> None:
        try:
            validate_choice_list(self.effects, WatchEffect, "watch effect")
        except ValidationError as e:
            raise ValidationError({"effects": e.messages}) from e
        if self.status == WatchEntryStatus.SUSPENDED and not self.suspended_until:
            raise ValidationError({"suspended_until": "Say until when the notice is suspended."})


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
    notice = models.ForeignKey(
        WatchNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        help_text="The notice that listed the entry; its status and suspension carry it.",
    )
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

    def effective_status(self) -> tuple[str, date | None]:
        """(status, suspended_until) as screening reads them: an entry's own status other
        than active (removed, suspended, measures terminated one by one) stands; an active
        entry follows its notice. A suspension date the entry lacks is its notice's."""
        status = self.status
        if status == WatchEntryStatus.ACTIVE and self.notice is not None:
            status = self.notice.status
        until = self.suspended_until
        if until is None and self.notice is not None and status == WatchEntryStatus.SUSPENDED:
            until = self.notice.suspended_until
        return status, until


# What a person records about an entry (every column but its id and its list): the one list
# the service, the admin, the import/export and the API use.
WATCH_ENTRY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in WatchListEntry._meta.concrete_fields if f.name not in ("id", "watch_list")
)
WATCH_NOTICE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in WatchNotice._meta.concrete_fields if f.name != "id"
)

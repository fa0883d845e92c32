from django.conf import settings
from django.db import models

from registry.choices import PARTY_SCOPED_KINDS, ChangeKind, ChangeStatus


class ReferenceChange(models.Model):
    """A change to reference data that can move assessments, with the keys it touches.

    Every key list narrows the set of affected cases; an empty list means "any", except that
    a party-scoped kind (approved list, producer, watch list) with no producer, group or
    party name moved nobody and affects no case (`affects_no_case`). A case is
    affected when it matches every non-empty key: one of its upstream sources' plants or its
    parties' registry records is in producer_ids (or a source plant's group in group_ids),
    it has one of `elements`, its form is one of
    `forms`, its planned ship date lies in [date_from, date_to), its destination country
    is one of `destinations` (ISO alpha-2 codes), and, for party changes, one of its parties
    (any role) resembles one of `party_names`. See assessments.selectors.cases_affected_by.
    """

    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    summary = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reference_changes",
        help_text="Empty when the system made the change.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    source_model = models.CharField(max_length=60, blank=True)
    source_pk = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="Old and new values.")

    producer_ids = models.JSONField(default=list, blank=True)
    group_ids = models.JSONField(default=list, blank=True)
    elements = models.JSONField(default=list, blank=True)
    forms = models.JSONField(default=list, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    party_names = models.JSONField(default=list, blank=True)
    destinations = models.JSONField(
        default=list, blank=True, help_text="Destination country codes (ISO alpha-2)."
    )

    # Progress of the re-score this change caused (written by assessments.tasks).
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    affected_count = models.PositiveIntegerField(null=True, blank=True)
    done_count = models.PositiveIntegerField(default=0)
    band_changed_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The re-score job's lease: the worker holding it renews it after every chunk; once it
    # has lapsed the worker is gone and assessments.tasks.rescore_watchdog re-enqueues it.
    worker = models.CharField(max_length=200, blank=True, help_text="Who holds the job.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}: {self.summary}"

    @property
    def progress(self) -> dict:
        """The re-score as a person watches it: done of affected, percent, bands changed, the
        rate since it started (cases/s) and, while running, the seconds left at that rate."""
        affected = self.affected_count
        done = self.done_count
        end = self.finished_at or self.heartbeat_at
        elapsed = (end - self.started_at).total_seconds() if end and self.started_at else 0.0
        rate = round(done / elapsed, 1) if elapsed > 0 and done else None
        left = None
        if self.status == ChangeStatus.RUNNING and rate and affected is not None:
            left = round(max(affected - done, 0) / rate)
        return {
            "done": done,
            "affected": affected,
            "percent": round(100 * done / affected) if affected else (100 if affected == 0 else 0),
            "band_changed": self.band_changed_count,
            "cases_per_second": rate,
            "seconds_left": left,
            "live": self.status in (ChangeStatus.PENDING, ChangeStatus.RUNNING),
        }

    @property
    def affects_no_case(self) -> bool:
        """A party-scoped change that names no party: it changed nothing a case reads."""
        return self.kind in PARTY_SCOPED_KINDS and not (
            self.producer_ids or self.group_ids or self.party_names
        )

    def keys(self) -> dict:
        return {
            "producer_ids": self.producer_ids,
            "group_ids": self.group_ids,
            "elements": self.elements,
            "forms": self.forms,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "party_names": self.party_names,
            "destinations": self.destinations,
        }

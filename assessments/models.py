from django.conf import settings as django_settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from method.choices import FACTOR_LABELS, FACTORS, SEVERITIES
from shipments.choices import Band, PartyRole

from .choices import DispositionKind, DispositionStatus, Trigger
from .snapshots import merge


class ReferencePart(models.Model):
    """The reference-data part of snapshots' inputs (measures in scope, calendar window,
    approved list, quotas, destinations, party-list candidates, method settings), stored once
    under the sha256 of its canonical JSON and shared by every snapshot judged against it
    (assessments.snapshots). Immutable: only ever inserted, never deleted while referenced."""

    digest = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.digest[:12]


class Assessment(models.Model):
    """An immutable snapshot: the result of the pure method on stored inputs.

    `inputs` holds the case's own serialised method inputs and `reference_part` the reference
    data they were judged against (assessments.snapshots); `full_inputs` merges the two, and
    `inputs_hash` is their sha256, so that assessments.services.assessment_replay can re-run
    the method and confirm the result. `outcome_hash` lets a re-score on a later day see that
    nothing but the date changed. Rows are only ever inserted (assessments.services); the
    admin shows them read-only.
    """

    case = models.ForeignKey("shipments.Case", on_delete=models.CASCADE, related_name="assessments")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    as_of = models.DateField(help_text="The date assessed: the planned ship date, or today.")
    band = models.CharField(max_length=10, choices=Band.choices)
    score = models.PositiveSmallIntegerField()
    method_version = models.CharField(max_length=20)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
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
    inputs = models.JSONField(help_text="The case's own inputs (the whole inputs when no part).")
    reference_part = models.ForeignKey(
        ReferencePart, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inputs_hash = models.CharField(max_length=64)
    outcome_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="sha256 of the inputs without the dates, the method version and the result.",
    )

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

    @property
    def full_inputs(self) -> dict:
        """The method inputs exactly as assessed: the row's part and the reference part."""
        part = self.reference_part.data if self.reference_part_id else None
        return merge(self.inputs or {}, part)


class RescoreChunk(models.Model):
    """One slice of a reference change's affected cases: a unit of work any worker on any
    host can take (assessments.tasks.rescore_chunk). Pending while `done_at` is empty; the
    worker that runs it holds its row lock for the chunk's one transaction, so a second
    delivery skips it while it runs and a killed worker's lock dies with its connection."""

    change = models.ForeignKey(
        "registry.ReferenceChange", on_delete=models.CASCADE, related_name="rescore_chunks"
    )
    index = models.PositiveIntegerField()
    case_ids = models.JSONField()
    size = models.PositiveIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    band_changed = models.PositiveIntegerField(default=0)
    # True on the one chunk whose commit completed the change (it marked the change done).
    finished_change = models.BooleanField(default=False)

    class Meta:
        ordering = ["change", "index"]
        constraints = [
            models.UniqueConstraint(fields=["change", "index"], name="rescore_chunk_unique")
        ]

    def __str__(self) -> str:
        state = "done" if self.done_at else "pending"
        return f"change {self.change_id} chunk {self.index} ({self.size} cases, {state})"


# The longest a disposition may stand before it must be decided again.
DISPOSITION_MAX_DAYS = 365
# A risk is accepted at medium or high; a critical factor means "will not execute".
ACCEPTABLE_SEVERITIES = ("medium", "high")
SCREENING_KINDS = (DispositionKind.FALSE_POSITIVE, DispositionKind.CONFIRMED_MATCH)
# Statuses a second officer decided (approved or rejected): they name the approver.
DECIDED_STATUSES = (
    DispositionStatus.APPROVED,
    DispositionStatus.REJECTED,
    DispositionStatus.REOPENED,
    DispositionStatus.LAPSED,
)


class Disposition(models.Model):
    """An officer's decision on a screening hit (false positive / confirmed match: the
    watch entry and the party's role and name) or on a factor (risk accepted at the
    factor's severity), approved by a second officer (DOMAIN, "Decisions that last and
    reopen").

    `basis` is the fingerprint of what it rested on when made (`method.dispositions`:
    sorted [part, digest] pairs); the method reopens it when a part differs. Written only
    through assessments.dispositions; every change is in `history`.
    """

    case = models.ForeignKey(
        "shipments.Case", on_delete=models.CASCADE, related_name="dispositions"
    )
    kind = models.CharField(max_length=20, choices=DispositionKind.choices)
    # risk_accepted: the factor and its severity when accepted
    factor = models.CharField(
        max_length=30, blank=True, choices=[(f, FACTOR_LABELS[f]) for f in FACTORS]
    )
    accepted_severity = models.CharField(
        max_length=10, blank=True, choices=[(s, s) for s in SEVERITIES]
    )
    # false_positive / confirmed_match: the hit (entry, party role and name as screened)
    watch_entry = models.ForeignKey(
        "registry.WatchListEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispositions",
    )
    party_role = models.CharField(max_length=20, blank=True, choices=PartyRole.choices)
    party_name = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    evidence = models.ManyToManyField(
        "shipments.Document",
        blank=True,
        related_name="dispositions",
        help_text="Documents of the case the decision rests on.",
    )
    basis = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approver = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who approved (or rejected) it: never the author.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=DispositionStatus.choices, default=DispositionStatus.PENDING
    )
    expires_on = models.DateField(help_text="It lapses on this day and must be decided again.")
    status_reason = models.TextField(
        blank=True, help_text="Why it was rejected, revoked, reopened or lapsed."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_disposition", "Can approve or reject a disposition")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(approver=F("author")), name="disposition_approver_not_author"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DispositionStatus.values), name="disposition_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DispositionKind.values), name="disposition_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=SCREENING_KINDS, watch_entry__isnull=False, factor="")
                    & ~Q(party_role="")
                )
                | Q(kind=DispositionKind.RISK_ACCEPTED, watch_entry__isnull=True, party_role="")
                & ~Q(factor="")
                & ~Q(accepted_severity=""),
                name="disposition_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED_STATUSES)
                | Q(approver__isnull=False, decided_at__isnull=False),
                name="disposition_decided_has_approver",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="disposition_reason_given"),
        ]
        indexes = [
            models.Index(fields=["case", "status"], name="disposition_case_status"),
            models.Index(fields=["status", "expires_on"], name="disposition_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.target} ({self.get_status_display()})"

    @property
    def is_screening(self) -> bool:
        return self.kind in SCREENING_KINDS

    @property
    def target(self) -> str:
        """'end user: Acme GmbH / Lockheed Martin Corporation' or the factor's label."""
        if self.is_screening:
            entry = self.watch_entry.name if self.watch_entry_id else ""
            return f"{self.get_party_role_display()}: {self.party_name} / {entry}"
        return str(self.get_factor_display())

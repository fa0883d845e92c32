from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from registry.choices import ProductForm
from registry.models import Element, Producer, TechnologyItem
from registry.validators import validate_country_code, validate_hs_code, validate_uscc

from .choices import (
    Band,
    CaseStatus,
    DocumentStatus,
    DocumentType,
    EndUse,
    ImportState,
    LicencePathway,
    LicenceRecordStatus,
    LicenceStatus,
    OreCategory,
    PartyRole,
    TimelineKind,
    Verdict,
)

# What a case takes as input, in the order forms, imports and the API present it.
CASE_INPUT_FIELDS = (
    "reference",
    "buyer",
    "exporter",
    "supplier_text",
    "product_form",
    "technology_item",
    "elements",
    "hs_code",
    "quantity_kg",
    "destination",
    "end_use",
    "end_user",
    "consignee",
    "planned_ship_date",
    "licence_status",
    "licence_number",
    "licence_applied_on",
    "licence_valid_until",
    "general_licence",
    "licence_record",
    "owner",
    "watchers",
    "parties",
    "sources",
)
# The ones stored on the Case row itself (elements and watchers are relations).


class Licence(models.Model):
    """An export licence as a record: what it covers, for whom, how much; the cases that
    draw on it point at it (`Case.licence_record`), and each consumes its quantity in ship
    order (assessments.selectors.case_rows.licence_consumption)."""

    number = models.CharField(max_length=80, unique=True)
    holder = models.CharField("holder name", max_length=200)
    holder_uscc = models.CharField(
        "holder USCC",
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text="The holder's Unified Social Credit Code.",
    )
    pathway = models.CharField(
        max_length=12, choices=LicencePathway.choices, default=LicencePathway.INDIVIDUAL
    )
    status = models.CharField(
        max_length=14, choices=LicenceRecordStatus.choices, default=LicenceRecordStatus.APPLIED
    )
    applied_on = models.DateField(
        null=True, blank=True, help_text="The day MOFCOM received a complete file."
    )
    decided_on = models.DateField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    items = models.JSONField(
        default=list, blank=True, help_text="Element symbols the licence covers."
    )
    forms = models.JSONField(default=list, blank=True, help_text="Product forms it covers.")
    quantity_kg = models.DecimalField(
        "quantity (kg)",
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Empty: no quantity limit recorded.",
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. USD.")
    named_parties = models.JSONField(
        default=list,
        blank=True,
        help_text="A general licence's named customers and end users.",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_kg__isnull=True) | Q(quantity_kg__gt=0),
                name="licence_quantity_positive",
                violation_error_message="A licence quantity is more than zero (or empty).",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="licence_validity_in_order",
                violation_error_message="A licence cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.holder})"


class Case(models.Model):
    """A shipment case: one purchase or shipment whose execution risk is assessed."""

    reference = models.CharField(max_length=60, unique=True)
    buyer = models.CharField(max_length=200)
    exporter = models.CharField(max_length=200)
    supplier_text = models.CharField(
        max_length=300, blank=True, help_text="What the supplier said about the producer."
    )
    product_form = models.CharField(max_length=12, choices=ProductForm.choices)
    technology_item = models.ForeignKey(
        TechnologyItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="A technology export: the catalogue item it is classified under.",
    )
    elements = models.ManyToManyField(Element, through="CaseElement", related_name="cases")
    hs_code = models.CharField("HS code", max_length=10, blank=True, validators=[validate_hs_code])
    quantity_kg = models.DecimalField(
        "quantity (kg)",
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(0.001)],
    )
    destination = models.CharField(
        max_length=2, validators=[validate_country_code], help_text="ISO 3166 country code."
    )
    end_use = models.CharField(max_length=24, choices=EndUse.choices)
    end_user = models.CharField(max_length=300)
    consignee = models.CharField(max_length=300, blank=True)
    planned_ship_date = models.DateField(null=True, blank=True)

    licence_status = models.CharField(
        max_length=14, choices=LicenceStatus.choices, default=LicenceStatus.NOT_APPLIED
    )
    licence_number = models.CharField(max_length=80, blank=True)
    licence_applied_on = models.DateField(null=True, blank=True)
    licence_valid_until = models.DateField(null=True, blank=True)
    general_licence = models.BooleanField(default=False)
    licence_record = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="licence",
        help_text="The licence record the shipment draws on; its facts replace the fields above.",
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_cases"
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    status_reason = models.CharField(max_length=300, blank=True)

    # Denormalised from the latest assessment so the register filters and sorts in SQL.
    latest_assessment = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    band = models.CharField(
        max_length=10, choices=Band.choices, blank=True, help_text="As decided (dispositions)."
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    raw_band = models.CharField(
        max_length=10,
        choices=Band.choices,
        blank=True,
        help_text="The method's band without dispositions (shown where it differs).",
    )
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    verdict_text = models.CharField(max_length=400, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    import_job = models.ForeignKey(
        "shipments.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The import that created the case, if any.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_kg__gt=0),
                name="case_quantity_positive",
                violation_error_message="Quantity must be more than zero.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-score"], name="case_status_score"),
            models.Index(fields=["status", "band"], name="case_status_band"),
            models.Index(fields=["planned_ship_date"], name="case_ship_date"),
            models.Index(fields=["licence_status"], name="case_licence_status"),
            models.Index(fields=["product_form"], name="case_form"),
            models.Index(fields=["owner", "status"], name="case_owner_status"),
            models.Index(fields=["-created_at", "-id"], name="case_created"),
            # The register's default order ("risk"), so a page of 50 is read off the index
            # instead of sorting every matching case (docs/benchmarks.md). PostgreSQL only:
            # see migration 0002.
            models.Index(
                F("score").desc(nulls_last=True),
                F("planned_ship_date").asc(nulls_last=True),
                F("id").desc(),
                name="case_risk_order",
            ),
            models.Index(
                F("score").desc(nulls_last=True),
                F("planned_ship_date").asc(nulls_last=True),
                F("id").desc(),
                name="case_risk_order_working",
                condition=Q(status__in=["open", "on_hold"]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseElement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_elements")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="case_elements")
    content_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Share of the product by weight, in percent.",
    )

    class Meta:
        ordering = ["element__atomic_number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "element"], name="case_element_unique"),
            models.CheckConstraint(
                condition=Q(content_share__isnull=True)
                | (Q(content_share__gt=0) & Q(content_share__lte=100)),
                name="case_element_share_range",
                violation_error_message="A content share is a percentage above 0 and up to 100.",
            ),
        ]
        indexes = [models.Index(fields=["element", "case"], name="case_element_by_element")]

    def __str__(self) -> str:
        share = f" {self.share_display}%" if self.content_share is not None else ""
        return f"{self.element_id}{share}"

    @property
    def share_display(self) -> str:
        """The share without trailing zeros: 25.00 -> "25", 99.90 -> "99.9"."""
        if self.content_share is None:
            return ""
        return format(self.content_share.normalize(), "f")


# Roles a case has at most one of; intermediaries (forwarder, trader) may repeat.
SINGLE_ROLES = ("buyer", "exporter", "licence_holder", "consignee", "end_user")
# The roles whose names the Case row repeats (the register shows and searches them).
HEADLINE_ROLES = ("buyer", "exporter", "end_user", "consignee")


class CaseParty(models.Model):
    """A party on the shipment. Every party is screened against the watch lists.

    The buyer, exporter, end user and consignee names are repeated on the Case row for the
    register; shipments.services.parties keeps the two in step.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices)
    name = models.CharField(max_length=300)
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country_code], help_text="ISO 3166."
    )
    uscc = models.CharField(
        "USCC",
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text="Unified Social Credit Code, for a Chinese party.",
    )
    lei = models.CharField(
        "LEI",
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{18}[0-9]{2}$",
                "A Legal Entity Identifier has 20 characters: 18 letters or digits, then 2 digits.",
                code="lei",
            )
        ],
    )
    registry_number = models.CharField(max_length=60, blank=True)
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_parties",
        help_text="The registry's record of this party, e.g. a magnet maker.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case", "position", "pk"]
        verbose_name_plural = "case parties"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "role"],
                condition=Q(role__in=SINGLE_ROLES),
                name="case_party_single_role",
                violation_error_message="A case has one party in this role.",
            ),
        ]
        indexes = [models.Index(fields=["name"], name="case_party_name")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class CaseSource(models.Model):
    """Where one rare earth input (an element or a group such as NdPr) came from."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    label = models.CharField(max_length=20, help_text="The input, e.g. NdPr or Tb.")
    elements = models.JSONField(default=list, help_text="Element symbols of the case it covers.")
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_sources",
        help_text="The separation plant (the mine, for ore).",
    )
    plant_name = models.CharField(
        max_length=200, blank=True, help_text="As declared, when the plant is not in the registry."
    )
    ore_category = models.CharField(max_length=12, choices=OreCategory.choices, blank=True)
    production_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    evidence = models.JSONField(
        default=list, blank=True, help_text="Document types that evidence the source."
    )
    note = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(producer__isnull=False) | ~Q(plant_name=""),
                name="case_source_names_a_plant",
                violation_error_message="Name the plant: choose it from the registry or type it.",
            ),
        ]

    def __str__(self) -> str:
        plant = self.producer.name_en if self.producer_id else self.plant_name
        return f"{self.label}: {plant}"


# What a person records about a party or a source (every column but its id, its case, its
# registry record and its position): the one list the services, the case file's kept rows
# and the assessment's batch loader use.
PARTY_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in CaseParty._meta.concrete_fields
    if f.name not in ("id", "case", "producer", "position")
)
SOURCE_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in CaseSource._meta.concrete_fields
    if f.name not in ("id", "case", "producer", "position")
)


def document_upload_to(instance: "Document", filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField("type", max_length=30, choices=DocumentType.choices)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PROVIDED
    )
    file = models.FileField(upload_to=document_upload_to, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["doc_type", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class TimelineEvent(models.Model):
    """The case's audit trail: what happened, who did it, when; old and new values in data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=20, choices=TimelineKind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (e.g. a re-score after a reference change).",
    )
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at"], name="timeline_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ImportJob(models.Model):
    """One uploaded case spreadsheet: who sent it, when, and how far it got.

    The check (every row validated, nothing written) and the import (bulk insert and
    assessment) run in the background; the page polls these counts.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_name = models.CharField(max_length=255)
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.CHECKING
    )
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    # Row errors as {"row", "field", "message"}; the first LODESTONE_IMPORT_MAX_ERRORS kept.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, help_text="An unexpected failure, not a row error.")
    checked_at = models.DateTimeField(null=True, blank=True)
    import_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_by_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_rows__lte=F("total_rows"))
                & Q(imported_rows__lte=F("total_rows")),
                name="import_job_counts_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.file_name} ({self.get_state_display()})"


class ImportJobRow(models.Model):
    """A row the check found valid, as plain values and ids, for the import to insert."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField(help_text="Spreadsheet row: the header is row 1.")
    data = models.JSONField()

    class Meta:
        ordering = ["job", "row"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row"], name="import_job_row_unique"),
        ]

    def __str__(self) -> str:
        return f"Import #{self.job_id} row {self.row}"


class SavedView(models.Model):
    """A register query an officer named, to come back to ("my Dy cases at high", ...): the
    query string as it was (filters, sort and columns), per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

from django.db import models

from method.choices import (
    BANDS,
    DOCUMENT_LABELS,
    LICENCE_PATHWAYS,
    PARTY_ROLE_LABELS,
    PARTY_ROLES,
    SOURCE_EVIDENCE,
    SOURCE_EVIDENCE_LABELS,
    VERDICT_LABELS,
    VERDICTS,
)

# The method owns the vocabularies; the choices give them labels.
PartyRole = models.TextChoices(
    "PartyRole",
    [(role.upper(), (role, PARTY_ROLE_LABELS[role].capitalize())) for role in PARTY_ROLES],
)
OreCategory = models.TextChoices(
    "OreCategory",
    [
        ("LIGHT", ("light", "Light (rock ore, e.g. Bayan Obo)")),
        ("IONIC", ("ionic", "Ionic clay")),
        ("IMPORTED", ("imported", "Imported ore or monazite")),
        ("BY_PRODUCT", ("by_product", "By-product (e.g. Sc from titanium residue)")),
    ],
)
SourceEvidence = models.TextChoices(
    "SourceEvidence",
    [(kind.upper(), (kind, SOURCE_EVIDENCE_LABELS[kind].capitalize())) for kind in SOURCE_EVIDENCE],
)


class EndUse(models.TextChoices):
    AUTOMOTIVE = "automotive", "Automotive"
    WIND = "wind", "Wind power"
    CONSUMER_ELECTRONICS = "consumer_electronics", "Consumer electronics"
    INDUSTRIAL = "industrial", "Industrial"
    MEDICAL = "medical", "Medical"
    RESEARCH = "research", "Research"
    AEROSPACE = "aerospace", "Aerospace"
    SEMICONDUCTORS = "semiconductors", "Semiconductors"
    DEFENCE = "defence", "Defence / military"
    OTHER = "other", "Other"


class LicenceStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    NOT_APPLIED = "not_applied", "Not applied"
    APPLIED = "applied", "Applied"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


# A licence record's own states: a record exists once the licence is applied for.
LICENCE_RECORD_STATUSES = (
    LicenceStatus.APPLIED,
    LicenceStatus.GRANTED,
    LicenceStatus.DENIED,
    LicenceStatus.EXPIRED,
)
LicenceRecordStatus = models.TextChoices(
    "LicenceRecordStatus",
    [(s.name, (s.value, s.label)) for s in LICENCE_RECORD_STATUSES],
)
LicencePathway = models.TextChoices(
    "LicencePathway",
    [
        (p.upper(), (p, label))
        for p, label in zip(
            LICENCE_PATHWAYS,
            ("Individual licence", "General licence", "Technology export licence"),
            strict=True,
        )
    ],
)


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    CLEARED = "cleared", "Cleared"
    CLOSED = "closed", "Closed"


# Cases a reference change can still move: everything not closed.
ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD, CaseStatus.CLEARED)
# Cases whose quantity does not draw on their licence. A closed case shipped (or will have),
# so it consumes; the statuses have no "cancelled" (a case closed without shipping is told
# apart only by its reason), so today every case on a licence consumes. The one place to
# change when such a status is added.
NOT_CONSUMING_STATUSES: tuple[str, ...] = ()


class DocumentType(models.TextChoices):
    """The MOFCOM dual-use licence application file (licensing.yaml), the licence itself (the
    copy of the granted licence) and the shipment file."""

    APPLICATION_FORM = "application_form", "Licence application form"
    IDENTITY_DOCUMENTS = "identity_documents", "Identity documents of representative and handler"
    CONTRACT = "contract", "Contract or agreement"
    TECHNICAL_DESCRIPTION = "technical_description", "Technical description of the item"
    END_USER_CERTIFICATE = "end_user_certificate", "End-user certificate"
    END_USE_CERTIFICATE = "end_use_certificate", "End-use certificate"
    END_USER_DESCRIPTION = "end_user_description", "Description of the end user"
    NO_RETRANSFER_ASSURANCE = "no_retransfer_assurance", "No re-transfer assurance"
    OTHER_MOFCOM_REQUEST = "other_mofcom_request", "Other document MOFCOM requested"
    LICENCE = "licence", "Export licence"
    # The shipment file (method.factors.documents): labels from the method's vocabulary.
    COMMERCIAL_INVOICE = "commercial_invoice", DOCUMENT_LABELS["commercial_invoice"].capitalize()
    PACKING_LIST = "packing_list", DOCUMENT_LABELS["packing_list"].capitalize()
    RISK_ASSESSMENT = "risk_assessment", DOCUMENT_LABELS["risk_assessment"].capitalize()
    UNDERTAKING = "undertaking", DOCUMENT_LABELS["undertaking"].capitalize()


class DocumentStatus(models.TextChoices):
    PROVIDED = "provided", "Provided"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


# Risk bands, in order, from the method's own vocabulary (method/choices.py): stored on the
# case (from its latest assessment) for the register. Order and ranks: method.choices.
Band = models.TextChoices("Band", [(name.upper(), (name, name.capitalize())) for name in BANDS])
Verdict = models.TextChoices(
    "Verdict", [(name.upper(), (name, VERDICT_LABELS[name])) for name in VERDICTS]
)


class TimelineKind(models.TextChoices):
    CREATED = "created", "Created"
    FIELD_CHANGED = "field_changed", "Changed"
    DOCUMENT_ADDED = "document_added", "Document added"
    DOCUMENT_EXPIRED = "document_expired", "Document expired"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSESSED = "assessed", "Assessed"
    NOTE = "note", "Comment"
    DISPOSITION = "disposition", "Disposition"


class ImportState(models.TextChoices):
    """A case import job: checked in the background, then (once confirmed) imported."""

    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked, ready to import"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


IMPORT_RUNNING = (ImportState.CHECKING, ImportState.IMPORTING)

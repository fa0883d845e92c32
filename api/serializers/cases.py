"""Cases, their documents and assessments as the API shows them, and the inputs it accepts.

Serializers only type-check and shape input; the rules (unique reference, element symbols,
shares, licence dates, status transitions, file limits, parties and sources) are the
services'. Their ValidationErrors come back as field-keyed 400s (api.errors).
"""

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from api.serializers.fields import KeyOrIdField, SlugField
from api.serializers.parties import CasePartySerializer, CaseSourceSerializer
from assessments.models import Assessment
from method.choices import ACTORS, BANDS, DISPOSITION_OUTCOMES, VERDICTS
from registry.models import Producer, TechnologyItem
from registry.validators import validate_country_code
from shipments.choices import CaseStatus
from shipments.models import CASE_INPUT_FIELDS, Case, Document, Licence
from shipments.services.licences import LICENCE_FIELDS
from shipments.validators import validate_document_file

User = get_user_model()


def _active_users():
    return User.objects.filter(is_active=True)


# --- elements ------------------------------------------------------------------------------


class CaseElementSerializer(serializers.Serializer):
    symbol = serializers.CharField(max_length=2, help_text="Element symbol, e.g. Nd or Dy.")
    content_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
        help_text="Share of the product by weight, in percent.",
    )


class CaseElementOutSerializer(serializers.Serializer):
    symbol = serializers.CharField(source="element_id")
    name = serializers.CharField(source="element.name")
    content_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


def elements_as_shares(items: list[dict]) -> dict[str, Decimal | None]:
    """[{symbol, content_share}] to the {symbol: share} mapping the services take."""
    return {item["symbol"]: item.get("content_share") for item in items}


def validate_elements_list(items: list[dict]) -> list[dict]:
    """An empty list is a composition not yet known (the method asks for it)."""
    symbols = [item["symbol"].strip().lower() for item in items]
    if len(set(symbols)) != len(symbols):
        raise serializers.ValidationError("Give each element once.")
    return items


# --- cases ---------------------------------------------------------------------------------


# Names the Case row needs that a client may give in `parties` instead.
NAMES_FROM_PARTIES = ("buyer", "exporter", "end_user")


@extend_schema_serializer(deprecate_fields=["producer"])
class CaseWriteSerializer(serializers.ModelSerializer):
    """What a client may send to create (POST) or change (PATCH) a case."""

    # Uniqueness is answered with 409 Conflict by the view, not as a field error.
    reference = serializers.CharField(max_length=60)
    elements = CaseElementSerializer(
        many=True,
        help_text="The composition. An empty list records it as not yet known: the method "
        "then holds the case at least high until it is declared.",
    )
    parties = CasePartySerializer(
        many=True,
        required=False,
        help_text="Everyone on the shipment, each screened against the watch lists. A "
        "buyer, exporter, end user or consignee given here fills the field of that name "
        "(both given: they must agree). On PATCH the list replaces the case's parties.",
    )
    sources = CaseSourceSerializer(
        many=True,
        required=False,
        help_text="Where each rare earth input came from: the plant, ore and evidence per "
        "element (or group such as NdPr). On PATCH the list replaces the case's sources.",
    )
    producer = serializers.PrimaryKeyRelatedField(
        queryset=Producer.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Deprecated (use `sources` and `parties`); POST only. The first edition's "
        "declared producer, still accepted: a mine or separation plant becomes a source of "
        "every element (with no evidence); a magnet, metal or alloy maker or a trader "
        "becomes the exporter party's registry record.",
    )
    owner = SlugField(
        slug_field="username",
        queryset=_active_users(),
        required=False,
        help_text="Username of the owner; defaults to the caller.",
    )
    watchers = SlugField(slug_field="username", queryset=_active_users(), many=True, required=False)
    destination = serializers.CharField(max_length=2, help_text="ISO 3166 country code, e.g. DE.")
    licence_record = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the licence record the shipment draws on (/api/v1/licences/); its "
        "facts replace the licence_* fields. null: none.",
    )
    technology_item = KeyOrIdField(
        queryset=TechnologyItem.objects.all(),
        required=False,
        allow_null=True,
        help_text="A technology export's catalogue item, by key or id; only for "
        "product_form technology.",
    )

    class Meta:
        model = Case
        fields = [*CASE_INPUT_FIELDS, "producer"]
        extra_kwargs = {
            "quantity_kg": {"min_value": Decimal("0.001")},
            **{
                name: {
                    "help_text": f"Required unless `parties` names the {name.replace('_', ' ')}."
                }
                for name in NAMES_FROM_PARTIES
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        # Required on a new case that has no `parties`; with parties, the service checks
        # that each of these roles is named, in a field or a party (and names what is
        # missing next to the rows' own errors). Optional in the schema, which cannot say
        # "one of the two".
        data = getattr(self, "initial_data", None)
        for name in NAMES_FROM_PARTIES:
            fields[name].required = isinstance(data, Mapping) and not data.get("parties")
        return fields

    def validate_elements(self, value: list[dict]) -> list[dict]:
        return validate_elements_list(value)

    def validate_destination(self, value: str) -> str:
        value = value.strip().upper()
        validate_country_code(value)
        return value

    def validate_producer(self, value: Producer | None) -> Producer | None:
        if self.instance is not None:
            raise serializers.ValidationError(
                "The declared producer is deprecated and cannot be changed: send `sources` "
                "(the separation plant) or `parties` (the exporter's registry record)."
            )
        return value

    def to_service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "elements" in data:
            data["elements"] = elements_as_shares(data["elements"])
        for name in ("parties", "sources"):
            if name in data:
                data[name] = [dict(row) for row in data[name]]
        if self.instance is None:
            for name in NAMES_FROM_PARTIES:
                data.setdefault(name, "")
        return data


class ExistingCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    url = serializers.URLField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="`conflict`")
    existing = ExistingCaseSerializer()


class CaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail")
    elements = CaseElementOutSerializer(source="case_elements", many=True, read_only=True)
    parties = CasePartySerializer(many=True, read_only=True)
    sources = CaseSourceSerializer(many=True, read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    watchers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assessment_url = serializers.SerializerMethodField()
    technology_item = KeyOrIdField(
        read_only=True, allow_null=True, help_text="The catalogue item's key."
    )

    class Meta:
        model = Case
        # The input fields, then state.
        fields = [
            "id",
            "url",
            *CASE_INPUT_FIELDS,
            "status",
            "status_reason",
            "band",
            "raw_band",
            "verdict",
            "verdict_text",
            "score",
            "assessed_at",
            "latest_assessment",
            "assessment_url",
            "created_at",
            "created_by",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_assessment_url(self, case: Case) -> str | None:
        if not case.latest_assessment_id:
            return None
        return reverse(
            "api:case-assessment", kwargs={"pk": case.pk}, request=self.context.get("request")
        )


class LicenceSerializer(serializers.ModelSerializer):
    """A licence record, as read and as written (writes go through the licence services)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:licence-detail")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    items = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, help_text="Element symbols."
    )
    forms = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, help_text="Product forms."
    )
    named_parties = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        help_text="A general licence's named customers and end users.",
    )
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Licence
        fields = ["id", "url", *LICENCE_FIELDS, "cases", "created_by", "created_at", "updated_at"]
        read_only_fields = ["id", "url", "cases", "created_by", "created_at", "updated_at"]
        # Uniqueness and the record's rules are the service's (field-keyed 400s).
        extra_kwargs = {"number": {"validators": []}}


class RequiredDocumentSerializer(serializers.Serializer):
    doc_type = serializers.CharField()
    label = serializers.CharField()
    file = serializers.CharField(
        help_text="application (needed until MOFCOM decides) or shipment (needed to ship)"
    )
    state = serializers.CharField(help_text="present, missing, rejected or expired")
    problem = serializers.CharField(allow_blank=True)
    verified = serializers.BooleanField()


class RequiredDocumentsSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(help_text="The assessment whose inputs were read.")
    pathway = serializers.CharField(allow_blank=True, help_text="The file the pathway needs.")
    files = serializers.DictField(
        child=RequiredDocumentSerializer(many=True),
        help_text="The application file (needed until MOFCOM decides) and the shipment "
        "file (needed to ship), each with its lines.",
    )
    documents = RequiredDocumentSerializer(many=True, help_text="Every line, in order.")


class CaseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(max_length=300, help_text="Why the status changes.")


# --- documents -----------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    filename = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "doc_type",
            "status",
            "expires_on",
            "note",
            "filename",
            "size",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields

    def get_filename(self, document: Document) -> str:
        return document.file.name.rsplit("/", 1)[-1] if document.file else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_size(self, document: Document) -> int | None:
        if not document.file:
            return None
        try:
            return document.file.size
        except OSError:
            return None


class DocumentUploadSerializer(serializers.ModelSerializer):
    file = serializers.FileField(
        required=False,
        allow_empty_file=False,
        validators=[validate_document_file],
        help_text="The document itself (limits: settings DOCUMENT_MAX_BYTES and "
        "DOCUMENT_ALLOWED_EXTENSIONS).",
    )

    class Meta:
        model = Document
        fields = ["doc_type", "status", "expires_on", "note", "file"]


# --- assessments ---------------------------------------------------------------------------


# The structured fields of an evidence item (method.result.Evidence); '' where they do not
# apply, and on snapshots older than method 2026.12-2.
EVIDENCE_DETAIL_FIELDS = {
    "instrument": "The instrument's number and title.",
    "layer": "The control layer(s) it acts in.",
    "window": "When it is in force.",
    "suspension": "Any suspension and the instrument that suspended it, or its lapse.",
    "matched": "How it matched: elements and form, the HS line, the classification, or "
    "the screening route and corroboration.",
    "control_code": "The control code, e.g. 1E902.a.",
    "data_version": "The data version: measure key, list version, quota cycle and batches, "
    "watch-list notice.",
    "confidence": "confirmed, derived, reported, unverified ...",
}


class EvidenceSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="measure, list_version, quota_cycle, watch_entry, calendar, document, "
        "producer, hs_code, destination, licence"
    )
    ref_id = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)
    instrument = serializers.CharField(
        allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["instrument"]
    )
    layer = serializers.CharField(allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["layer"])
    window = serializers.CharField(allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["window"])
    suspension = serializers.CharField(
        allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["suspension"]
    )
    matched = serializers.CharField(allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["matched"])
    control_code = serializers.CharField(
        allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["control_code"]
    )
    data_version = serializers.CharField(
        allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["data_version"]
    )
    confidence = serializers.CharField(
        allow_blank=True, help_text=EVIDENCE_DETAIL_FIELDS["confidence"]
    )


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    severity = serializers.ChoiceField(choices=["none", "low", "medium", "high", "critical"])
    reason = serializers.CharField(allow_blank=True)
    evidence = EvidenceSerializer(many=True)
    next_steps = serializers.ListField(child=serializers.CharField())
    caveat = serializers.CharField(
        allow_blank=True,
        help_text="A system-wide caveat behind the severity (not added up with other doubts).",
    )
    raw_severity = serializers.CharField(
        allow_blank=True,
        help_text="Where an approved disposition decided the factor: its severity without "
        "it ('' = the same as severity).",
    )


class NextStepSerializer(serializers.Serializer):
    text = serializers.CharField()
    who = serializers.ChoiceField(choices=list(ACTORS))
    factor = serializers.CharField()
    by = serializers.DateField(allow_null=True, help_text="Due by (the ship date, or earlier).")


class DispositionOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The disposition.")
    outcome = serializers.ChoiceField(choices=list(DISPOSITION_OUTCOMES))
    why = serializers.CharField(allow_blank=True)


def _factor(raw: dict) -> dict:
    """A stored factor result in the documented shape (older rows may lack keys)."""
    evidence = raw.get("evidence") or []
    return {
        "factor": str(raw.get("factor", "")),
        "severity": str(raw.get("severity", "none")),
        "reason": str(raw.get("reason", "")),
        "evidence": [
            {
                "kind": str(e.get("kind", "")),
                "ref_id": str(e.get("ref_id", "")),
                "label": str(e.get("label", "")),
                **{name: str(e.get(name, "")) for name in EVIDENCE_DETAIL_FIELDS},
            }
            for e in evidence
            if isinstance(e, dict)
        ],
        "next_steps": [str(step) for step in raw.get("next_steps") or []],
        "caveat": str(raw.get("caveat", "")),
        "raw_severity": str(raw.get("raw_severity", "")),
    }


class AssessmentSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    factors = serializers.SerializerMethodField()
    raw_band = serializers.SerializerMethodField(help_text="The band without dispositions.")
    verdict = serializers.SerializerMethodField()
    verdict_text = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField(
        help_text="Merged across the factors, worst first, with who acts and by when."
    )
    dispositions = serializers.SerializerMethodField(
        help_text="What each disposition on the case did in this assessment."
    )
    versions = serializers.DictField(read_only=True, help_text="Reference data versions used.")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "created_at",
            "as_of",
            "band",
            "score",
            "method_version",
            "trigger",
            "actor",
            "reference_change",
            "previous",
            "raw_band",
            "verdict",
            "verdict_text",
            "next_steps",
            "dispositions",
            "factors",
            "versions",
            "inputs_hash",
        ]
        read_only_fields = fields

    @extend_schema_field(FactorSerializer(many=True))
    def get_factors(self, assessment: Assessment) -> list[dict]:
        return [_factor(f) for f in assessment.factors or [] if isinstance(f, dict)]

    @extend_schema_field(serializers.ChoiceField(choices=list(BANDS)))
    def get_raw_band(self, assessment: Assessment) -> str:
        return (assessment.versions or {}).get("raw_band") or assessment.band

    @extend_schema_field(serializers.ChoiceField(choices=list(VERDICTS), allow_blank=True))
    def get_verdict(self, assessment: Assessment) -> str:
        return (assessment.versions or {}).get("verdict", "")

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_verdict_text(self, assessment: Assessment) -> str:
        return (assessment.versions or {}).get("verdict_text", "")

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, assessment: Assessment) -> list[dict]:
        return list((assessment.versions or {}).get("next_steps", []))

    @extend_schema_field(DispositionOutcomeSerializer(many=True))
    def get_dispositions(self, assessment: Assessment) -> list[dict]:
        return list((assessment.versions or {}).get("dispositions", []))

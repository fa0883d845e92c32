"""Reference data as the API shows it (read), and the inputs staff send to registry services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import SlugField
from registry.choices import DestinationSeverity, Layer, ProductForm, QuotaConfidence
from registry.models import (
    WATCH_ENTRY_FIELDS,
    ApprovedListEntry,
    ApprovedListVersion,
    Authority,
    DestinationRestriction,
    Element,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    QuotaUtilisation,
    ReferenceChange,
    Suspension,
    TechnologyItem,
    WatchEffect,
    WatchList,
    WatchListEntry,
    WatchNotice,
)
from registry.validators import validate_country_code, validate_hs_code


class ElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Element
        fields = [
            "symbol",
            "name",
            "atomic_number",
            "family",
            "quota_category",
            "control_code",
            "control_code_confidence",
        ]


class ProducerGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProducerGroup
        fields = [
            "id",
            "key",
            "name",
            "name_zh",
            "listing",
            "successor",
            "absorbed_on",
            "notes",
            "source",
            "confidence",
            "is_demo",
        ]


class ProducerSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    group_name = serializers.CharField(
        source="group.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Producer
        fields = [
            "id",
            "name_en",
            "name_zh",
            "aliases",
            "kind",
            "group",
            "group_name",
            "uscc",
            "province",
            "notes",
            "confidence",
            "is_demo",
        ]


class ApprovedListEntrySerializer(serializers.ModelSerializer):
    producer_name = serializers.CharField(source="producer.name_en", read_only=True)

    class Meta:
        model = ApprovedListEntry
        fields = ["id", "version", "producer", "producer_name", "status", "note"]


class ApprovedListVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ApprovedListVersion
        fields = [
            "id",
            "label",
            "status",
            "effective_from",
            "source_document",
            "confidence",
            "notes",
            "is_demo",
            "published_at",
            "published_by",
        ]
        read_only_fields = ["status", "published_at", "published_by"]
        extra_kwargs = {
            "confidence": {
                "help_text": "official: MIIT's own list; reported: rebuilt from press or "
                "company reports (every reason that uses it says so)."
            }
        }


class ApprovedListVersionDetailSerializer(ApprovedListVersionSerializer):
    entries = ApprovedListEntrySerializer(many=True, read_only=True)

    class Meta(ApprovedListVersionSerializer.Meta):
        fields = [*ApprovedListVersionSerializer.Meta.fields, "entries"]


class ListDiffQuerySerializer(serializers.Serializer):
    a = serializers.PrimaryKeyRelatedField(
        queryset=ApprovedListVersion.objects.all(),
        required=False,
        allow_null=True,
        help_text="The older version's id; omit to compare `b` with an empty list.",
    )
    b = serializers.PrimaryKeyRelatedField(
        queryset=ApprovedListVersion.objects.all(), help_text="The newer version's id."
    )


class DiffRowSerializer(serializers.Serializer):
    producer_id = serializers.IntegerField()
    producer = serializers.CharField()
    old_status = serializers.CharField(allow_null=True)
    new_status = serializers.CharField(allow_null=True)
    old_note = serializers.CharField(allow_blank=True)
    new_note = serializers.CharField(allow_blank=True)


class ListDiffSerializer(serializers.Serializer):
    a = serializers.IntegerField(allow_null=True)
    b = serializers.IntegerField()
    added = DiffRowSerializer(many=True)
    removed = DiffRowSerializer(many=True)
    status_changed = DiffRowSerializer(many=True)


class QuotaAllocationSerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = QuotaAllocation
        fields = [
            "id",
            "batch",
            "group",
            "group_name",
            "kind",
            "category",
            "tonnes",
            "confidence",
            "source",
        ]


class QuotaBatchSerializer(serializers.ModelSerializer):
    allocations = QuotaAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = QuotaBatch
        fields = [
            "id",
            "cycle",
            "number",
            "issued_on",
            "notice_number",
            "mining_total",
            "smelting_total",
            "confidence",
            "notes",
            "allocations",
        ]


class QuotaUtilisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotaUtilisation
        fields = [
            "id",
            "cycle",
            "group",
            "kind",
            "category",
            "reported_on",
            "tonnes_used",
            "source",
        ]


class QuotaCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotaCycle
        fields = [
            "id",
            "year",
            "published",
            "confidence",
            "mining_total",
            "smelting_total",
            "notes",
            "source",
        ]


class QuotaCycleDetailSerializer(QuotaCycleSerializer):
    batches = QuotaBatchSerializer(many=True, read_only=True)
    utilisations = QuotaUtilisationSerializer(many=True, read_only=True)

    class Meta(QuotaCycleSerializer.Meta):
        fields = [*QuotaCycleSerializer.Meta.fields, "batches", "utilisations"]


class AuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Authority
        fields = ["id", "code", "name", "name_zh"]


class SuspensionSerializer(serializers.ModelSerializer):
    measure_key = serializers.CharField(source="measure.key", read_only=True)
    suspended_by_key = serializers.CharField(
        source="suspended_by.key", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Suspension
        fields = [
            "id",
            "measure",
            "measure_key",
            "suspended_by",
            "suspended_by_key",
            "starts_on",
            "ends_on",
            "note",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    layers = serializers.ListField(child=serializers.CharField(), read_only=True)
    forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    hs_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    elements = serializers.SlugRelatedField(slug_field="symbol", many=True, read_only=True)
    issuers = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    suspensions = SuspensionSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "key",
            "title",
            "issuers",
            "layers",
            "elements",
            "forms",
            "hs_codes",
            "published_on",
            "effective_from",
            "effective_to",
            "summary",
            "scope_notes",
            "source",
            "confidence",
            "is_demo",
            "suspensions",
        ]


class WatchNoticeSerializer(serializers.ModelSerializer):
    watch_list_key = serializers.CharField(source="watch_list.key", read_only=True)
    effects = serializers.ListField(
        child=serializers.ChoiceField(choices=WatchEffect.choices),
        read_only=True,
        help_text="What a listing under the notice does (trade_ban, dual_use_ban, "
        "no_general_licence, risk_assessment, no_review_deadline, investment_ban, entry_ban).",
    )
    measures = serializers.ListField(child=serializers.CharField(), read_only=True)
    sources = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WatchNotice
        fields = [
            "id",
            "key",
            "watch_list",
            "watch_list_key",
            "number",
            "date",
            "status",
            "suspended_until",
            "effects",
            "measures",
            "sources",
            "confidence",
        ]


class WatchListEntrySerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    identifiers = serializers.JSONField(read_only=True)
    notice = serializers.SlugRelatedField(
        slug_field="key",
        read_only=True,
        allow_null=True,
        help_text="The key of the notice that listed the entry.",
    )
    effects = serializers.SerializerMethodField(
        help_text="The effects of the entry's notice (empty when it has none)."
    )

    class Meta:
        model = WatchListEntry
        fields = ["id", "watch_list", *WATCH_ENTRY_FIELDS, "effects"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(WatchEffect.choices)))
    def get_effects(self, entry: WatchListEntry) -> list[str]:
        return list(entry.notice.effects) if entry.notice_id else []


class TechnologyItemSerializer(serializers.ModelSerializer):
    measure_key = serializers.CharField(source="measure.key", read_only=True)

    class Meta:
        model = TechnologyItem
        fields = [
            "id",
            "key",
            "title",
            "klass",
            "control_code",
            "measure",
            "measure_key",
            "confidence",
            "source",
        ]


class WatchListSerializer(serializers.ModelSerializer):
    class Meta:
        model = WatchList
        fields = [
            "id",
            "key",
            "name",
            "name_zh",
            "issuer",
            "jurisdiction",
            "version_date",
            "effect",
            "source",
        ]


class WatchListDetailSerializer(WatchListSerializer):
    entries = WatchListEntrySerializer(many=True, read_only=True)

    class Meta(WatchListSerializer.Meta):
        fields = [*WatchListSerializer.Meta.fields, "entries"]


@extend_schema_field(
    {"type": "string", "enum": list(DestinationSeverity.values)},
    component_name="DestinationSeverityEnum",
)
class DestinationSeverityField(serializers.ChoiceField):
    """Named apart from the assessment factors' `severity` (SeverityEnum)."""


class DestinationRestrictionSerializer(serializers.ModelSerializer):
    severity = DestinationSeverityField(
        choices=DestinationSeverity.choices,
        help_text="The floor it sets for a case it matches (high or critical).",
    )

    class Meta:
        model = DestinationRestriction
        fields = [
            "id",
            "country",
            "regime",
            "scope",
            "severity",
            "title",
            "instrument",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
            "notes",
            "is_demo",
        ]


class ChangeProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    affected = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()
    band_changed = serializers.IntegerField()
    cases_per_second = serializers.FloatField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True, help_text="While running.")
    live = serializers.BooleanField(help_text="Pending or running: poll again.")


class ReferenceChangeSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    producer_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    group_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    elements = serializers.ListField(child=serializers.CharField(), read_only=True)
    forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    party_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    destinations = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Destination country codes (ISO alpha-2) the change touches; empty: any.",
    )
    details = serializers.JSONField(read_only=True)
    progress = ChangeProgressSerializer(read_only=True)

    class Meta:
        model = ReferenceChange
        fields = [
            "id",
            "kind",
            "summary",
            "actor",
            "created_at",
            "source_model",
            "source_pk",
            "details",
            "producer_ids",
            "group_ids",
            "elements",
            "forms",
            "date_from",
            "date_to",
            "party_names",
            "destinations",
            "status",
            "affected_count",
            "done_count",
            "band_changed_count",
            "attempts",
            "last_error",
            "started_at",
            "finished_at",
            "progress",
        ]


class ReferenceChangeLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The change's page in this API: its re-score progress.")


class RecordedChangeMixin(serializers.Serializer):
    """A write's answer: the object, and the reference change the write recorded (null when
    nothing a case reads changed), from the `reference_change` the view puts in the context."""

    reference_change = serializers.SerializerMethodField(
        help_text="The reference change this write recorded, to follow the re-score of the "
        "affected open cases; null when it changed nothing."
    )

    @extend_schema_field(ReferenceChangeLinkSerializer(allow_null=True))
    def get_reference_change(self, obj) -> dict | None:
        change = self.context.get("reference_change")
        if change is None:
            return None
        return {"id": change.pk, "url": reverse("api:reference-change-detail", args=[change.pk])}


def with_reference_change(serializer_class: type) -> type:
    """`serializer_class` with the `reference_change` its write recorded (a named component
    in the schema: e.g. QuotaAllocationWrite)."""
    meta = type("Meta", (serializer_class.Meta,), {})
    meta.fields = [*serializer_class.Meta.fields, "reference_change"]
    name = serializer_class.__name__.removesuffix("Serializer") + "WriteSerializer"
    return type(name, (RecordedChangeMixin, serializer_class), {"Meta": meta})


# --- inputs for staff writes (registry.services) --------------------------------------------

TONNES = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class ListVersionCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=120)
    effective_from = serializers.DateField()
    source_document = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    confidence = serializers.ChoiceField(
        choices=QuotaConfidence.choices,
        required=False,
        help_text="How the list is known; official (MIIT's own list) unless given.",
    )
    is_demo = serializers.BooleanField(required=False)
    copy_from = serializers.PrimaryKeyRelatedField(
        queryset=ApprovedListVersion.objects.all(),
        required=False,
        allow_null=True,
        help_text="Start the draft with this version's entries.",
    )


class ListEntrySetSerializer(serializers.Serializer):
    producer = serializers.PrimaryKeyRelatedField(queryset=Producer.objects.all())
    status = serializers.ChoiceField(choices=ApprovedListEntry._meta.get_field("status").choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class QuotaBatchIssueSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=999)
    issued_on = serializers.DateField(required=False, allow_null=True)
    notice_number = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mining_total = serializers.DecimalField(required=False, allow_null=True, **TONNES)
    smelting_total = serializers.DecimalField(required=False, allow_null=True, **TONNES)
    confidence = serializers.ChoiceField(
        choices=QuotaBatch._meta.get_field("confidence").choices, required=False
    )
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class QuotaAllocationSetSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(queryset=ProducerGroup.objects.all())
    kind = serializers.ChoiceField(choices=QuotaAllocation._meta.get_field("kind").choices)
    category = serializers.ChoiceField(choices=QuotaAllocation._meta.get_field("category").choices)
    tonnes = serializers.DecimalField(allow_null=True, help_text="Null: not known.", **TONNES)
    confidence = serializers.ChoiceField(
        choices=QuotaConfidence.choices,
        required=False,
        allow_blank=True,
        help_text="How this figure is known (e.g. reported for a press report of an "
        "unpublished cycle); blank or omitted: as its cycle.",
    )
    source = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeasureUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    layers = serializers.ListField(
        child=serializers.ChoiceField(choices=Layer.choices), required=False, allow_empty=False
    )
    elements = SlugField(
        slug_field="symbol", queryset=Element.objects.all(), many=True, required=False
    )
    forms = serializers.ListField(
        child=serializers.ChoiceField(choices=ProductForm.choices), required=False
    )
    hs_codes = serializers.ListField(
        child=serializers.CharField(max_length=10, validators=[validate_hs_code]), required=False
    )
    published_on = serializers.DateField(required=False, allow_null=True)
    effective_from = serializers.DateField(required=False)
    effective_to = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    scope_notes = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(max_length=500, required=False, allow_blank=True)
    confidence = serializers.ChoiceField(
        choices=Measure._meta.get_field("confidence").choices, required=False
    )


class SuspensionWriteSerializer(serializers.Serializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True, help_text="Exclusive; null: until notice.")
    suspended_by = serializers.PrimaryKeyRelatedField(
        queryset=Measure.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True)


class WatchEntryWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    name_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=50
    )
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, validators=[validate_country_code]
    )
    status = serializers.ChoiceField(
        choices=WatchListEntry._meta.get_field("status").choices, required=False
    )
    suspended_until = serializers.DateField(required=False, allow_null=True)
    date_added = serializers.DateField(required=False, allow_null=True)
    announcement = serializers.CharField(max_length=200, required=False, allow_blank=True)
    confidence = serializers.ChoiceField(
        choices=WatchListEntry._meta.get_field("confidence").choices, required=False
    )
    source = serializers.CharField(max_length=500, required=False, allow_blank=True)


# The answers of the writes that record a reference change.
QuotaBatchWriteSerializer = with_reference_change(QuotaBatchSerializer)
QuotaAllocationWriteSerializer = with_reference_change(QuotaAllocationSerializer)
MeasureWriteSerializer = with_reference_change(MeasureSerializer)
SuspensionWriteResultSerializer = with_reference_change(SuspensionSerializer)
WatchListEntryWriteSerializer = with_reference_change(WatchListEntrySerializer)

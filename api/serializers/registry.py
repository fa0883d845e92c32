"""Reference data as the API shows it (read), and the inputs staff send to registry services."""

from rest_framework import serializers

from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Authority,
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
    WatchList,
    WatchListEntry,
)

STRINGS = serializers.ListField(child=serializers.CharField(), read_only=True)


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
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)

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
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovedListVersion
        fields = [
            "id",
            "label",
            "status",
            "effective_from",
            "source_document",
            "notes",
            "is_demo",
            "published_at",
            "published_by",
        ]
        read_only_fields = ["status", "published_at", "published_by"]


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
        source="suspended_by.key", read_only=True, default=None
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


class WatchListEntrySerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    identifiers = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WatchListEntry
        fields = [
            "id",
            "watch_list",
            "name",
            "name_zh",
            "aliases",
            "country",
            "identifiers",
            "status",
            "suspended_until",
            "date_added",
            "announcement",
            "confidence",
            "is_demo",
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


class ReferenceChangeSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    producer_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    group_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    elements = serializers.ListField(child=serializers.CharField(), read_only=True)
    forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    party_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    details = serializers.JSONField(read_only=True)

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
            "status",
            "affected_count",
            "done_count",
            "band_changed_count",
            "attempts",
            "last_error",
            "started_at",
            "finished_at",
        ]

"""Dispositions over the API: the same rules as the pages (assessments.dispositions)."""

from rest_framework import serializers

from assessments.choices import DispositionKind
from assessments.models import Disposition
from registry.models import WatchListEntry
from shipments.choices import PartyRole
from shipments.models import Case, Document


class DispositionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:disposition-detail")
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    target = serializers.CharField(read_only=True, help_text="What it decides, in words.")
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approver = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who approved or rejected it."
    )

    class Meta:
        model = Disposition
        fields = [
            "id",
            "url",
            "case",
            "case_reference",
            "kind",
            "status",
            "target",
            "factor",
            "accepted_severity",
            "watch_entry",
            "party_role",
            "party_name",
            "reason",
            "evidence",
            "expires_on",
            "author",
            "created_at",
            "approver",
            "decided_at",
            "status_reason",
        ]
        read_only_fields = fields


class DispositionCreateSerializer(serializers.Serializer):
    """A screening hit (`watch_entry` and `party_role`) or a factor (`factor`)."""

    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    kind = serializers.ChoiceField(choices=DispositionKind.choices)
    reason = serializers.CharField(help_text="Why, so that an auditor can follow it.")
    expires_on = serializers.DateField(help_text="It lapses on this day (at most a year ahead).")
    watch_entry = serializers.PrimaryKeyRelatedField(
        queryset=WatchListEntry.objects.all(), required=False, allow_null=True
    )
    party_role = serializers.ChoiceField(choices=PartyRole.choices, required=False)
    factor = serializers.ChoiceField(
        choices=Disposition._meta.get_field("factor").choices, required=False
    )
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), many=True, required=False
    )


class DispositionDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Needed to reject or revoke."
    )

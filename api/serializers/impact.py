"""The impact preview's answer (registry.ports.Impact)."""

from rest_framework import serializers

from shipments.choices import Band, Verdict


class ImpactRowSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    reference = serializers.CharField()
    old_band = serializers.ChoiceField(
        choices=Band.choices, allow_blank=True, help_text="'' = not assessed."
    )
    new_band = serializers.ChoiceField(choices=Band.choices)
    old_verdict = serializers.ChoiceField(choices=Verdict.choices, allow_blank=True)
    new_verdict = serializers.ChoiceField(choices=Verdict.choices)
    new_verdict_text = serializers.CharField()
    reason = serializers.CharField(help_text="The new worst factor's reason.")
    direction = serializers.ChoiceField(choices=["worse", "better", "same"])


class ImpactChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    summary = serializers.CharField()


class ImpactSerializer(serializers.Serializer):
    preview = serializers.SerializerMethodField(help_text="Always true: nothing was written.")
    today = serializers.DateField()
    changes = serializers.SerializerMethodField()
    affected = serializers.IntegerField(help_text="Open cases the write would re-score.")
    worse = serializers.IntegerField()
    better = serializers.IntegerField()
    rows = ImpactRowSerializer(many=True, help_text="Cases whose band or verdict would change.")

    def get_preview(self, impact) -> bool:
        return True

    def get_changes(self, impact) -> list[dict]:
        return [{"kind": kind, "summary": summary} for kind, summary in impact.changes]

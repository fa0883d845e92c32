from django import forms

from registry.models import ApprovedListVersion


class ListDiffForm(forms.Form):
    """Two list versions to compare (GET, so the page can be bookmarked)."""

    a = forms.ModelChoiceField(
        label="From version",
        queryset=ApprovedListVersion.objects.order_by("-effective_from", "-pk"),
        required=False,
        help_text="Leave empty to compare with the version in force before the other one.",
    )
    b = forms.ModelChoiceField(
        label="To version",
        queryset=ApprovedListVersion.objects.order_by("-effective_from", "-pk"),
    )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("b") and data["a"] == data["b"]:
            raise forms.ValidationError("Choose two different versions.")
        return data


class ChangeFilterForm(forms.Form):
    from registry.choices import ChangeKind, ChangeStatus

    kind = forms.ChoiceField(choices=[("", "any kind"), *ChangeKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "any status"), *ChangeStatus.choices], required=False)

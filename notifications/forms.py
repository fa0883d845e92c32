from django import forms

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["mode", "min_band"]
        widgets = {"mode": forms.RadioSelect}

from django import forms

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["mode", "min_band", "document_reminders"]
        widgets = {"mode": forms.RadioSelect, "document_reminders": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Not sent: keep the saved choice (forms and clients from before it existed).
        self.fields["document_reminders"].required = False

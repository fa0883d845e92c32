"""The officer's forms for dispositions: record one (on a hit or a factor), decide one."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import capfirst

from assessments.choices import DispositionKind
from assessments.models import ACCEPTABLE_SEVERITIES, DISPOSITION_MAX_DAYS
from assessments.selectors.hits import Hit
from method.choices import FACTOR_LABELS, SCREENING_DISPOSITIONS

DEFAULT_DAYS = 90


class DispositionForm(forms.Form):
    """One subject: a screening hit ("hit:<entry>:<role>") or a factor ("factor:<name>").

    The kinds that fit a subject are checked here so the field that is wrong is named; the
    service checks them again (and everything else) for the API and any other caller."""

    subject = forms.ChoiceField(label="On", help_text="The screening hit or the factor decided.")
    kind = forms.ChoiceField(label="Decision", choices=DispositionKind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why, so that an auditor can follow it (what was checked, against what).",
    )
    expires_on = forms.DateField(
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"It lapses on this day and must be decided again (at most "
        f"{DISPOSITION_MAX_DAYS} days).",
    )
    evidence = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Documents of the case the decision rests on.",
    )

    def __init__(self, *args, case, hits: list[Hit], factors: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.hits = {f"hit:{h.key}": h for h in hits}
        self.factors = {
            f"factor:{f['factor']}": f
            for f in factors
            if (f.get("raw_severity") or f["severity"]) in ACCEPTABLE_SEVERITIES
        }
        groups = [
            ("Screening hits", [(k, capfirst(h.label)) for k, h in self.hits.items()]),
            (
                "Factors (risk accepted)",
                [
                    (k, f"{FACTOR_LABELS[f['factor']]}: {f.get('raw_severity') or f['severity']}")
                    for k, f in self.factors.items()
                ],
            ),
        ]
        self.fields["subject"].choices = [(name, options) for name, options in groups if options]
        if not self.hits and "kind" not in self.initial:
            self.initial["kind"] = DispositionKind.RISK_ACCEPTED
        self.fields["evidence"].queryset = case.documents.order_by("-uploaded_at")
        self.fields["evidence"].label_from_instance = lambda d: (
            f"{d.get_doc_type_display()}{': ' + d.note if d.note else ''} "
            f"({d.get_status_display().lower()}, {d.uploaded_at:%Y-%m-%d})"
        )
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_DAYS)

    def clean(self):
        data = super().clean()
        subject, kind = data.get("subject", ""), data.get("kind", "")
        if not subject or not kind:
            return data
        on_hit = subject.startswith("hit:")
        if on_hit and kind not in SCREENING_DISPOSITIONS:
            self.add_error("kind", "A screening hit is a false positive or a confirmed match.")
        if not on_hit and kind != DispositionKind.RISK_ACCEPTED:
            self.add_error("kind", "On a factor, the decision is to accept its risk.")
        return data

    def service_arguments(self, entries: dict) -> dict:
        """The subject as disposition_create's arguments (`entries`: id -> WatchListEntry)."""
        data = self.cleaned_data
        common = {
            "kind": data["kind"],
            "reason": data["reason"],
            "expires_on": data["expires_on"],
            "evidence": list(data["evidence"]),
        }
        subject = data["subject"]
        if subject.startswith("hit:"):
            hit = self.hits[subject]
            return {**common, "watch_entry": entries[hit.entry_id], "party_role": hit.party_role}
        return {**common, "factor": subject.removeprefix("factor:")}


class DecideForm(forms.Form):
    """Approve, reject or revoke; a reason is needed to reject or revoke."""

    ACTIONS = (("approve", "Approve"), ("reject", "Reject"), ("revoke", "Revoke"))

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        done = {"reject": "rejected", "revoke": "revoked"}.get(data.get("action", ""))
        if done and not data.get("reason", "").strip():
            self.add_error("reason", f"Say why it is {done}.")
        return data

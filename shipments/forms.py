"""Forms for the case pages. They bind and check input; the services do the writing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django import forms as _forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from registry.choices import ProductForm
from registry.models import Element, TechnologyItem
from registry.spreadsheets import spreadsheet_check

from .choices import (
    CaseStatus,
    DocumentStatus,
    DocumentType,
)
from .models import HEADLINE_ROLES, Case, Licence
from .services import CASE_FIELDS
from .services.licences import LICENCE_FIELDS
from .validators import validate_document_file

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def users_with_perm(codename: str, app_label: str = "shipments") -> QuerySet:
    perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


# The parties formset replaces the Case row's party-name inputs: the service sets those
# columns from the parties, so a name is typed once.
FORM_FIELDS = tuple(f for f in CASE_FIELDS if f not in (*HEADLINE_ROLES, "owner"))


def technology_item_choices() -> list:
    """The catalogue items as a select grouped by class (prohibited, restricted, dual use)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in TechnologyItem.objects.select_related("measure").order_by("klass", "title"):
        groups.setdefault(item.get_klass_display(), []).append((item.pk, str(item)))
    return [("", "—"), *groups.items()]


class CaseForm(forms.ModelForm):
    """Create or edit a case. Elements: a checkbox per rare earth plus an optional share.
    The parties and upstream sources are formsets beside it (shipments.formsets)."""

    elements = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked only while the composition is not known: the case "
        "stays at least high until it is declared.",
        error_messages={"invalid_choice": "%(value)s is not a rare earth element."},
    )
    owner = UserChoiceField(queryset=get_user_model().objects.none())
    watchers = UsersChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="Alerted when the band worsens. Ctrl/Cmd-click to choose several.",
    )

    class Meta:
        model = Case
        fields = list(FORM_FIELDS)
        widgets = {
            "planned_ship_date": DATE,
            "licence_applied_on": DATE,
            "licence_valid_until": DATE,
            "hs_code": forms.TextInput(
                attrs={"list": "hs-options", "inputmode": "numeric", "autocomplete": "off"}
            ),
            "destination": forms.TextInput(attrs={"size": 3, "maxlength": 2}),
            "supplier_text": forms.TextInput(),
        }
        labels = {"supplier_text": "Supplier says"}
        error_messages = {
            "reference": {"unique": "A case with this reference already exists."},
            "quantity_kg": {
                "min_value": "Quantity must be more than zero.",
                "invalid": "Quantity must be a number of kilograms.",
            },
            "planned_ship_date": {"invalid": "Ship date is not a date; use YYYY-MM-DD."},
            "licence_applied_on": {"invalid": "Not a date; use YYYY-MM-DD."},
            "licence_valid_until": {"invalid": "Not a date; use YYYY-MM-DD."},
        }
        help_texts = {
            "hs_code": "China's 10-digit tariff line; suggestions follow the form and elements.",
            "planned_ship_date": "The case is assessed as of this date.",
            "supplier_text": "As the supplier put it; the upstream sources below are what counts.",
            "technology_item": "For a technology export only: the catalogue item it falls under.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.element_list = list(Element.objects.all())
        self.fields["elements"].choices = [(e.symbol, e.symbol) for e in self.element_list]
        for e in self.element_list:
            self.fields[f"share_{e.symbol}"] = forms.DecimalField(
                label=f"{e.name} share (%)",
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "share"}),
            )
        self.fields["licence_record"].queryset = Licence.objects.order_by("number")
        self.fields["licence_record"].empty_label = "No licence record (use the fields above)"
        self.fields["technology_item"].choices = technology_item_choices()
        officers = users_with_perm("change_case")
        self.fields["owner"].queryset = officers
        self.fields["watchers"].queryset = users_with_perm("view_case")
        if self.instance.pk and not self.is_bound:
            shares = {ce.element_id: ce.content_share for ce in self.instance.case_elements.all()}
            self.initial["elements"] = list(shares)
            for symbol, share in shares.items():
                self.initial[f"share_{symbol}"] = share.normalize() if share else None
            self.initial["quantity_kg"] = format(self.instance.quantity_kg.normalize(), "f")
            self.initial["owner"] = self.instance.owner_id
            self.initial["watchers"] = [u.pk for u in self.instance.watchers.all()]
        self.order_fields([*FORM_FIELDS, "owner", "watchers", "elements"])

    def element_rows(self) -> list[dict]:
        chosen = set(self["elements"].value() or [])
        return [
            {"element": e, "checked": e.symbol in chosen, "share": self[f"share_{e.symbol}"]}
            for e in self.element_list
        ]

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip()

    def clean_destination(self) -> str:
        return self.cleaned_data["destination"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("elements") or [])
        for e in self.element_list:
            share = cleaned.get(f"share_{e.symbol}")
            if share is not None and e.symbol not in chosen:
                self.add_error(f"share_{e.symbol}", f"Tick {e.symbol} or clear its share.")
        return cleaned

    def element_shares(self) -> dict[str, Decimal | None]:
        return {
            symbol: self.cleaned_data.get(f"share_{symbol}")
            for symbol in self.cleaned_data["elements"]
        }

    def service_data(self) -> dict:
        """The case's own fields for case_create / case_update (no party names: those come
        with the parties)."""
        data = {name: self.cleaned_data[name] for name in (*FORM_FIELDS, "owner")}
        data["elements"] = self.element_shares()
        data["watchers"] = list(self.cleaned_data["watchers"])
        return data

    def add_service_errors(self, exc: ValidationError) -> dict[str, list[str]]:
        """Put a service's field-keyed errors on the matching fields; return the ones that
        belong to the formsets (parties, sources and the party-name columns)."""
        rest: dict[str, list[str]] = {}
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return rest
        for name, errors in exc.message_dict.items():
            if name in ("parties", "sources", *HEADLINE_ROLES):
                rest[name] = errors
            else:
                self.add_error(name if name in self.fields else None, errors)
        return rest


class LicenceForm(forms.ModelForm):
    """Record or change a licence. Items and forms are ticked; named parties one a line."""

    items = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Elements covered",
        help_text="Leave all unticked when the licence's items are not recorded.",
    )
    named_parties = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Named customers and end users",
        help_text="A general licence: one name a line.",
    )
    # Declared last: the name shadows the forms module in the rest of the class body.
    forms = _forms.MultipleChoiceField(
        widget=_forms.CheckboxSelectMultiple,
        required=False,
        choices=ProductForm.choices,
        label="Product forms covered",
    )

    class Meta:
        model = Licence
        fields = list(LICENCE_FIELDS)
        widgets = {
            "applied_on": DATE,
            "decided_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [
            (e.symbol, e.symbol) for e in Element.objects.order_by("atomic_number")
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["named_parties"] = "\n".join(self.instance.named_parties or [])

    def clean_named_parties(self) -> list[str]:
        text = self.cleaned_data["named_parties"] or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in LICENCE_FIELDS}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CaseStatus.choices, label="New status")
    reason = forms.CharField(
        max_length=300,
        error_messages={"required": "Give a reason for the status change."},
    )

    def __init__(self, *args, current: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if current and not self.is_bound:
            # Offer only real changes; "Open" reads as "Reopen" from cleared or closed.
            reopen = current in (CaseStatus.CLEARED, CaseStatus.CLOSED)
            self.fields["status"].choices = [
                (value, "Reopen" if reopen and value == CaseStatus.OPEN else label)
                for value, label in CaseStatus.choices
                if value != current
            ]


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(choices=DocumentType.choices, label="Type")
    status = forms.ChoiceField(choices=DocumentStatus.choices, initial=DocumentStatus.PROVIDED)
    file = forms.FileField(
        error_messages={"required": "Choose a file to upload."},
    )
    expires_on = forms.DateField(
        required=False,
        widget=DATE,
        error_messages={"invalid": "Not a date; use YYYY-MM-DD."},
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        exts = ", ".join(settings.DOCUMENT_ALLOWED_EXTENSIONS)
        self.fields[
            "file"
        ].help_text = f"{exts}; up to {settings.DOCUMENT_MAX_BYTES // (1024 * 1024)} MB."
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{e}" for e in settings.DOCUMENT_ALLOWED_EXTENSIONS
        )

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_document_file(file)
        return file


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="One case per row; the first row names the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        ext = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        if ext not in ("csv", "xlsx"):
            raise ValidationError("Upload a .csv or .xlsx file.")
        # The guard reads the bytes before anything parses them (limits in settings); the
        # rows are parsed and checked in the background (shipments.tasks).
        facts = spreadsheet_check(file)
        if facts.kind != ext:
            raise ValidationError(
                f"The file is named .{ext} but its content is {facts.kind.upper()}."
            )
        return file


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="@username tells that person by e-mail.",
    )


class AssignForm(forms.Form):
    owner = UserChoiceField(queryset=get_user_model().objects.none(), label="Give to")

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_perm("change_case").exclude(pk=case.owner_id)

"""The case register's filters, search and sort: one FilterSet for the pages and the API.

Every value travels in the query string, so a filtered register can be bookmarked/shared.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from registry.choices import ProductForm
from registry.models import Element, Producer, ProducerGroup

from .attention import ATTENTION_CHOICES, attention_filter
from .choices import Band, CaseStatus, LicenceStatus, Verdict
from .models import Case, CaseElement, CaseParty, CaseSource

DEFAULT_FILTERS = {"status": [CaseStatus.OPEN, CaseStatus.ON_HOLD], "sort": ["risk"]}

SORTS = {
    # risk: the highest score first; the score orders the bands, so critical comes first.
    "risk": (F("score").desc(nulls_last=True), F("planned_ship_date").asc(nulls_last=True)),
    "-risk": (F("score").asc(nulls_first=True), F("planned_ship_date").asc(nulls_last=True)),
    "ship_date": (F("planned_ship_date").asc(nulls_last=True),),
    "-ship_date": (F("planned_ship_date").desc(nulls_last=True),),
    "reference": (F("reference").asc(),),
    "-reference": (F("reference").desc(),),
    "created": (F("created_at").asc(),),
    "-created": (F("created_at").desc(),),
}
SORT_CHOICES = [
    ("risk", "Risk (highest first)"),
    ("-risk", "Risk (lowest first)"),
    ("ship_date", "Ship date (soonest first)"),
    ("-ship_date", "Ship date (latest first)"),
    ("reference", "Reference A-Z"),
    ("-reference", "Reference Z-A"),
    ("-created", "Newest first"),
    ("created", "Oldest first"),
]


def _owners(request) -> QuerySet:
    # EXISTS per user (owner index), not a DISTINCT join over every case.
    owns = Case.objects.filter(owner=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(owns)).order_by("username")


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Reference, party, producer, element (Dy, terbium)",
            }
        ),
    )
    # distinct=False: none of these spans a to-many relation, and DISTINCT over every
    # column of 100,000 cases is what makes a register slow.
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=CaseStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    band = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Band.choices, widget=forms.CheckboxSelectMultiple
    )
    owner = django_filters.ModelChoiceFilter(queryset=_owners, empty_label="Anyone")
    producer = django_filters.ModelChoiceFilter(
        queryset=Producer.objects.only("pk", "name_en"),
        method="filter_producer",
        empty_label="Any producer",
        label="Producer (source or party)",
    )
    group = django_filters.ModelChoiceFilter(
        queryset=ProducerGroup.objects.only("pk", "name"),
        method="filter_group",
        label="Source group",
        empty_label="Any group",
    )
    element = django_filters.ModelMultipleChoiceFilter(
        queryset=Element.objects.only("symbol", "name", "atomic_number"),
        method="filter_element",
        distinct=False,
        label="Elements (any of)",
    )
    product_form = django_filters.MultipleChoiceFilter(
        distinct=False, choices=ProductForm.choices, label="Product form"
    )
    ship_date = django_filters.DateFromToRangeFilter(
        field_name="planned_ship_date",
        label="Ship date from / to",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    licence_status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=LicenceStatus.choices, label="Licence status"
    )
    verdict = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Verdict.choices, widget=forms.CheckboxSelectMultiple
    )
    attention = django_filters.ChoiceFilter(
        choices=ATTENTION_CHOICES, method="filter_attention", label="Needs attention"
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label="Sort by", empty_label=None
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "band",
            "owner",
            "producer",
            "group",
            "element",
            "product_form",
            "ship_date",
            "licence_status",
            "verdict",
            "attention",
            "sort",
        ]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Reference, every party (its name, its registry producer's English or Chinese
        name), upstream plants, and elements by symbol or name (exactly: "Dy" is not
        "Dyno"). One UNION of case ids, each arm served by a trigram index on PostgreSQL
        (migration shipments 0010), rather than ORs of EXISTS that no index can serve."""
        value = value.strip()
        if not value:
            return queryset
        on_case = Case.objects.filter(
            Q(reference__icontains=value)
            | Q(buyer__icontains=value)
            | Q(exporter__icontains=value)
            | Q(end_user__icontains=value)
            | Q(consignee__icontains=value)
        )
        arms = [
            CaseParty.objects.filter(name__icontains=value),
            CaseSource.objects.filter(plant_name__icontains=value),
        ]
        # The registry's producers and elements are small tables: resolve them first, so the
        # case-side arms are plain index lookups (no join, no scan of every party or element).
        producer_ids = list(
            Producer.objects.filter(
                Q(name_en__icontains=value) | Q(name_zh__icontains=value)
            ).values_list("pk", flat=True)
        )
        if producer_ids:
            arms.append(CaseParty.objects.filter(producer_id__in=producer_ids))
            arms.append(CaseSource.objects.filter(producer_id__in=producer_ids))
        symbols = list(
            Element.objects.filter(Q(symbol__iexact=value) | Q(name__iexact=value)).values_list(
                "symbol", flat=True
            )
        )
        if symbols:
            arms.append(CaseElement.objects.filter(element_id__in=symbols))
        # Without the models' default ordering, which would join the case into every arm
        # and make PostgreSQL walk an ordered index instead of the trigram ones.
        ids = (
            on_case.order_by()
            .values("pk")
            .union(*(arm.order_by().values("case_id") for arm in arms))
        )
        return queryset.filter(pk__in=ids)

    def filter_producer(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(
            Exists(CaseSource.objects.filter(case=OuterRef("pk"), producer=value))
            | Exists(CaseParty.objects.filter(case=OuterRef("pk"), producer=value))
        )

    def filter_group(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(
            Exists(CaseSource.objects.filter(case=OuterRef("pk"), producer__group=value))
        )

    def filter_element(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        # EXISTS, not a join: a case with two matching elements is listed once.
        return queryset.filter(
            Exists(CaseElement.objects.filter(case=OuterRef("pk"), element__in=value))
        )

    def filter_attention(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return attention_filter(queryset, value, timezone.localdate()) if value else queryset

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS["risk"]), "-pk")

    @property
    def qs(self) -> QuerySet:
        qs = super().qs
        # The sort filter orders the rows; without a valid choice the register is by risk.
        cleaned = getattr(self.form, "cleaned_data", {})
        if not cleaned.get("sort"):
            qs = qs.order_by(*SORTS["risk"], "-pk")
        return qs

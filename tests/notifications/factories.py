"""Small factories for notification tests (independent of the shipments factories)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from assessments.choices import Trigger
from assessments.models import Assessment
from registry.choices import ChangeKind, ProductForm
from registry.models import ReferenceChange
from shipments.choices import EndUse
from shipments.models import Case


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    first_name = factory.LazyAttribute(lambda user: user.username.capitalize())


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"SHP-2026-{n:04d}")
    buyer = "Nordmag GmbH"
    exporter = "Baotou Export Co."
    product_form = ProductForm.MAGNET
    quantity_kg = Decimal("1200.000")
    destination = "DE"
    end_use = EndUse.AUTOMOTIVE
    end_user = "Nordmag Motors AG"
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")

    @factory.post_generation
    def watchers(self, create, extracted, **kwargs):
        if create and extracted:
            self.watchers.add(*extracted)


def factor(name: str, severity: str, reason: str, evidence: str = "") -> dict:
    return {
        "factor": name,
        "severity": severity,
        "reason": reason,
        "evidence": [{"kind": "measure", "ref_id": "1", "label": evidence}] if evidence else [],
        "next_steps": [],
    }


CALM_FACTORS = [
    factor("product_scope", "low", "Dy magnets need a licence under No. 18 of 2025."),
    factor("producer_eligibility", "none", "The producer is on the approved list in force."),
    factor("quota_headroom", "none", "The group holds an ionic smelting allocation for 2026."),
    factor("licence", "low", "The licence is granted and valid until 2027-03-01."),
    factor("documents", "none", "All required documents are present."),
    factor("end_use", "none", "Automotive end use; no watch-list match."),
]


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    as_of = dt.date(2026, 12, 15)
    band = "low"
    score = factory.LazyAttribute(lambda a: {"low": 10, "medium": 40, "high": 70}.get(a.band, 95))
    method_version = "1.0"
    trigger = Trigger.EDITED
    factors = factory.LazyFunction(lambda: [dict(f) for f in CALM_FACTORS])
    inputs = factory.LazyFunction(dict)
    inputs_hash = "0" * 64


class ReferenceChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceChange

    kind = ChangeKind.LIST_PUBLISHED
    summary = "Approved list 2026-11 published: Ganzhou Rare Metals separation plant suspended"


def worsened_pair(*, case: Case, new_band: str = "high", reference_change=None):
    """Two assessments of `case`: a calm one, then one where the producer went bad."""
    before = AssessmentFactory(case=case, band="low")
    factors = [dict(f) for f in CALM_FACTORS]
    factors[1] = factor(
        "producer_eligibility",
        "high",
        "Ganzhou Rare Metals is suspended on the approved list of 2026-11-20.",
        evidence="Approved list 2026-11-20",
    )
    after = AssessmentFactory(
        case=case,
        band=new_band,
        previous=before,
        factors=factors,
        reference_change=reference_change,
        trigger=Trigger.REFERENCE_CHANGE if reference_change else Trigger.EDITED,
    )
    return before, after

"""Factories for registry rows (reference data for tests; no JSON fixtures)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from registry.choices import (
    DestinationRegime,
    DestinationScope,
    DestinationSeverity,
    FacilityKind,
    Layer,
    ProductForm,
    QuotaCategory,
    QuotaKind,
)
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    DestinationRestriction,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    WatchList,
    WatchListEntry,
)
from registry.validators import USCC_ALPHABET, uscc_check_char


def valid_uscc(n: int) -> str:
    body = "91110000MA" + "".join(USCC_ALPHABET[(n * 7 + i) % 31] for i in range(7))
    return body + uscc_check_char(body)


class ProducerGroupFactory(DjangoModelFactory):
    class Meta:
        model = ProducerGroup

    key = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")


class ProducerFactory(DjangoModelFactory):
    class Meta:
        model = Producer

    group = factory.SubFactory(ProducerGroupFactory)
    kind = FacilityKind.SEPARATION_PLANT
    name_en = factory.Sequence(lambda n: f"Plant {n}")
    uscc = factory.Sequence(valid_uscc)


class ApprovedListVersionFactory(DjangoModelFactory):
    class Meta:
        model = ApprovedListVersion

    label = factory.Sequence(lambda n: f"List {n}")
    effective_from = date(2025, 1, 1)


class ApprovedListEntryFactory(DjangoModelFactory):
    class Meta:
        model = ApprovedListEntry

    version = factory.SubFactory(ApprovedListVersionFactory)
    producer = factory.SubFactory(ProducerFactory)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    key = factory.Sequence(lambda n: f"measure-{n}")
    title = factory.Sequence(lambda n: f"Measure {n}")
    layers = factory.LazyFunction(lambda: [Layer.LICENCE.value])
    forms = factory.LazyFunction(lambda: [ProductForm.OXIDE.value, ProductForm.METAL.value])
    effective_from = date(2025, 4, 4)


class QuotaCycleFactory(DjangoModelFactory):
    class Meta:
        model = QuotaCycle

    year = 2024
    published = True


class QuotaBatchFactory(DjangoModelFactory):
    class Meta:
        model = QuotaBatch

    cycle = factory.SubFactory(QuotaCycleFactory)
    number = 1


class QuotaAllocationFactory(DjangoModelFactory):
    class Meta:
        model = QuotaAllocation

    batch = factory.SubFactory(QuotaBatchFactory)
    group = factory.SubFactory(ProducerGroupFactory)
    kind = QuotaKind.SMELTING
    category = QuotaCategory.TOTAL
    tonnes = Decimal("1000")


class WatchListFactory(DjangoModelFactory):
    class Meta:
        model = WatchList

    key = factory.Sequence(lambda n: f"list-{n}")
    name = factory.Sequence(lambda n: f"Watch list {n}")
    issuer = "MOFCOM"
    version_date = date(2026, 6, 30)


class WatchListEntryFactory(DjangoModelFactory):
    class Meta:
        model = WatchListEntry

    watch_list = factory.SubFactory(WatchListFactory)
    name = factory.Sequence(lambda n: f"Party {n} Inc.")


class DestinationRestrictionFactory(DjangoModelFactory):
    class Meta:
        model = DestinationRestriction

    country = "KP"
    regime = DestinationRegime.UN_SANCTIONS
    scope = DestinationScope.ALL_ITEMS
    severity = DestinationSeverity.CRITICAL
    title = factory.Sequence(lambda n: f"Restriction {n}")
    instrument = factory.Sequence(lambda n: f"UNSCR {1000 + n} (2006)")
    effective_from = date(2006, 10, 14)

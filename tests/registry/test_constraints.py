"""Model invariants: what the database and full_clean refuse."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Measure, Producer, QuotaAllocation, QuotaBatch, Suspension
from tests.registry.factories import (
    MeasureFactory,
    ProducerFactory,
    QuotaAllocationFactory,
    QuotaBatchFactory,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


def test_negative_tonnage_is_refused_by_validation_and_by_the_database():
    alloc = QuotaAllocationFactory.build(
        batch=QuotaBatchFactory(), group=ProducerFactory().group, tonnes=Decimal("-1")
    )
    with pytest.raises(ValidationError) as e:
        alloc.full_clean()
    assert "tonnes" in e.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        alloc.save()


def test_negative_batch_total_is_refused_by_the_database():
    batch = QuotaBatchFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaBatch.objects.filter(pk=batch.pk).update(mining_total=Decimal("-5"))


def test_measure_effective_end_before_start_is_refused():
    m = MeasureFactory.build(effective_from=date(2025, 5, 1), effective_to=date(2025, 4, 1))
    with pytest.raises(ValidationError) as e:
        m.full_clean()
    assert "effective_to" in e.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        m.save()


def test_malformed_uscc_is_refused():
    for bad in ("91110000MA1234", "91110000MA12345IO0", "91110000MA00000000"):
        p = ProducerFactory.build(group=None, uscc=bad)
        with pytest.raises(ValidationError) as e:
            p.full_clean()
        assert "uscc" in e.value.message_dict


def test_duplicate_uscc_is_refused_but_many_producers_may_have_none():
    ProducerFactory(uscc=valid_uscc(1))
    dup = ProducerFactory.build(group=None, uscc=valid_uscc(1))
    with pytest.raises(ValidationError):
        dup.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        dup.save()
    ProducerFactory(uscc="")
    ProducerFactory(uscc="")
    assert Producer.objects.filter(uscc="").count() == 2


def test_suspension_outside_its_measures_window_is_refused():
    m = MeasureFactory(effective_from=date(2025, 11, 8), effective_to=date(2026, 1, 1))
    late = Suspension(measure=m, starts_on=date(2026, 2, 1), ends_on=date(2026, 3, 1))
    with pytest.raises(ValidationError) as e:
        late.full_clean()
    assert "starts_on" in e.value.message_dict
    early = Suspension(measure=m, starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1))
    with pytest.raises(ValidationError) as e:
        early.full_clean()
    assert "ends_on" in e.value.message_dict
    # Announced the day before the measure started (No. 70 and No. 57): allowed.
    Suspension(measure=m, starts_on=date(2025, 11, 7), ends_on=date(2026, 11, 10)).full_clean()


def test_malformed_hs_code_in_a_measure_is_refused():
    m = MeasureFactory.build(hs_codes=["2846901940", "28469"])
    with pytest.raises(ValidationError) as e:
        m.full_clean()
    assert "hs_codes" in e.value.message_dict


def test_unknown_form_or_layer_is_refused():
    m = MeasureFactory.build(layers=["licence", "embargo"], forms=["powder"])
    with pytest.raises(ValidationError) as e:
        m.full_clean()
    assert {"layers", "forms"} <= set(e.value.message_dict)


def test_allocation_is_unique_per_batch_group_kind_category():
    a = QuotaAllocationFactory()
    dup = QuotaAllocation(
        batch=a.batch, group=a.group, kind=a.kind, category=a.category, tonnes=Decimal(1)
    )
    with pytest.raises(ValidationError):
        dup.full_clean()
    assert Measure.objects.count() == 0

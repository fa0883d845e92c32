import datetime as dt
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from registry.loading import load_elements as elements_create
from tests.shipments.factories import (
    group_create,
    hs_codes_create,
    producer_create,
)


@pytest.fixture(autouse=True)
def _registry_index_stand_in(settings):
    """base.html links to registry:index; stand in for it until the registry pages exist."""
    try:
        reverse("registry:index")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.shipments.urls"


@pytest.fixture
def elements(db):
    out = elements_create()
    hs_codes_create()
    return out


@pytest.fixture
def producer(elements):
    return producer_create(group_create(key="china-northern", name="China Northern Rare Earth"))


@pytest.fixture
def case_data(elements, producer, officer):
    """Keyword arguments for shipments.services.case_create (all valid)."""
    return {
        "actor": officer,
        "reference": "PO-2026-0001",
        "buyer": "Example Motors GmbH",
        "exporter": "Baotou Export Co.",
        "producer": producer,
        "product_form": "oxide",
        "quantity_kg": Decimal("1500"),
        "destination": "DE",
        "end_use": "automotive",
        "end_user": "Example Motors GmbH",
        "elements": {"Nd": Decimal("75"), "Pr": Decimal("25")},
        "hs_code": "2846901999",
        "planned_ship_date": dt.date(2026, 12, 15),
        "licence_status": "not_required",
    }

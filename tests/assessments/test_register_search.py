"""The register's search (issue 15): by element symbol or name, by a party's Chinese name or
its registry producer's, and on PostgreSQL through the trigram indexes."""

import pytest
from django.db import connection
from django.urls import reverse

from registry.models import Producer
from shipments.filters import CaseFilterSet
from shipments.models import Case, CaseParty
from tests.assessments.factories import case_create
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(world, officer):
    return {
        "dy": case_create(officer, elements=("Dy",), form="oxide"),
        "ndpr": case_create(officer, elements=("Nd", "Pr")),
        "chinese": case_create(
            officer, parties=(("trader", "包头稀土贸易有限公司"),), elements=("Ce",)
        ),
    }


def _found(value: str) -> set[str]:
    return set(
        CaseFilterSet({"q": value}, queryset=Case.objects.all()).qs.values_list(
            "reference", flat=True
        )
    )


def test_search_finds_cases_by_element_symbol_or_name_exactly(book):
    assert _found("Dy") == {book["dy"].reference}
    assert _found("dysprosium") == {book["dy"].reference}
    assert _found("pr") == {book["ndpr"].reference}  # the symbol, not "Praseodymium"'s "pr"
    assert _found("Neodymium") == {book["ndpr"].reference}


def test_search_finds_a_party_by_its_chinese_name_and_by_its_producer(book, world):
    assert _found("包头稀土") == {book["chinese"].reference}
    party = CaseParty.objects.filter(case=book["ndpr"], role="exporter").get()
    producer = world.northern_plant
    Producer.objects.filter(pk=producer.pk).update(name_zh="包钢和发稀土")
    producer.refresh_from_db()
    CaseParty.objects.filter(pk=party.pk).update(producer=producer)
    assert book["ndpr"].reference in _found(producer.name_zh[:4])


def test_the_register_page_searches_the_same_way(book, officer_client):
    page = officer_client.get(reverse("shipments:case_list"), {"q": "Dy"})
    assert page.status_code == 200
    assert [c.reference for c in page.context["page"].object_list] == [book["dy"].reference]


def test_postgresql_serves_the_search_from_the_trigram_indexes(book):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    qs = CaseFilterSet({"q": "LS-T"}, queryset=Case.objects.all()).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test holds a transaction
        plan = qs.explain()
    assert "case_reference_trgm" in plan
    assert "caseparty_name_trgm" in plan
    assert "casesource_plant_trgm" in plan

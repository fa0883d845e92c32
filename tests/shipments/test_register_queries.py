"""The register runs a constant number of queries per page, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shipments.models import CaseParty, CaseSource
from shipments.selectors import case_list
from tests.shipments.factories import (
    case_create_row,
    document_create_row,
    group_create,
    producer_create,
)

pytestmark = pytest.mark.django_db

QUERY = {"status": ["open", "on_hold"], "sort": "risk"}
MAX_QUERIES = 17  # 14, the caveats banner (the years of open cases, their cycles), saved views


def _cases(n, officer, second_officer):
    group = group_create()
    producers = [producer_create(group), producer_create(None)]
    maker = producer_create(None, kind="magnet_maker")
    for i in range(n):
        case = case_create_row(
            owner=officer if i % 2 else second_officer,
            elements=[("Nd", 60), ("Pr", 20), ("Dy", 5)] if i % 3 else [("Tb", None)],
            band=["low", "medium", "high", "critical"][i % 4],
            score=i,
        )
        # The register shows each source's plant and group.
        for position, producer in enumerate(producers[: 1 + i % 2]):
            CaseSource.objects.create(
                case=case,
                label=f"S{position}",
                elements=["Nd"],
                producer=producer,
                position=position,
            )
        CaseParty.objects.create(case=case, role="exporter", name="Maker", producer=maker)
        case.watchers.add(officer)
        document_create_row(case, user=officer)


@pytest.mark.parametrize("n", [5, 60])
def test_the_register_page_runs_a_bounded_number_of_queries(
    officer_client, officer, second_officer, elements, django_assert_max_num_queries, n
):
    _cases(n, officer, second_officer)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = officer_client.get(reverse("shipments:case_list"), QUERY)
    assert response.status_code == 200
    assert response.content.count(b'class="band band-') >= min(n, 50)


def test_the_query_count_does_not_grow_with_the_rows(officer, second_officer, elements):
    _cases(5, officer, second_officer)
    with CaptureQueriesContext(connection) as small:
        list(case_list(user=officer, filters=QUERY)[:50])
    _cases(55, officer, second_officer)
    with CaptureQueriesContext(connection) as large:
        rows = list(case_list(user=officer, filters=QUERY)[:50])
        for case in rows:
            _ = [ce.element.symbol for ce in case.case_elements.all()]
            _ = [s.producer.group for s in case.sources.all()]
            _ = case.owner.username
    assert len(rows) == 50
    assert len(large) == len(small)


def test_indexes_exist_for_the_register_filters():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "shipments_case")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    for columns in [
        ("status", "score"),
        ("status", "band"),
        ("planned_ship_date",),
        ("licence_status",),
        ("product_form",),
        ("owner_id", "status"),
    ]:
        assert columns in indexed, columns


def test_the_register_query_has_no_distinct(officer, elements):
    sql = str(
        case_list(
            user=officer,
            filters={"status": ["open"], "element": ["Dy"], "band": ["high"], "sort": "risk"},
        ).query
    )
    assert "DISTINCT" not in sql.split("EXISTS")[0]

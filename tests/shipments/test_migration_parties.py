"""Migration shipments 0004 (issue 12) on a copy of the demo data: the declared producer
becomes an upstream source or the exporter's registry record, and back again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from demo.loading import demo_load
from shipments.models import HEADLINE_ROLES, Case
from tests.conftest import ensure_role_groups

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("shipments", "0003_import_jobs")
AFTER = ("shipments", "0004_parties_and_sources")
UPSTREAM = ("mine", "separation_plant")


def _migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_the_declared_producer_migrates_back_and_forth_on_the_demo_data():
    ensure_role_groups()
    demo_load()
    # What the reverse step must produce: the first source's plant, else the exporter's record.
    expected = {}
    for case in Case.objects.prefetch_related("sources", "parties"):
        sources = [s for s in case.sources.all() if s.producer_id]
        records = [p for p in case.parties.all() if p.role == "exporter" and p.producer_id]
        first = sources[0].producer_id if sources else (records[0].producer_id if records else None)
        expected[case.reference] = first
    assert any(expected.values())

    try:
        old = _migrate(BEFORE)
        OldCase = old.get_model("shipments", "Case")
        declared = dict(OldCase.objects.values_list("reference", "producer_id"))
        assert declared == expected

        new = _migrate(AFTER)
        NewCase = new.get_model("shipments", "Case")
        for case in NewCase.objects.prefetch_related("sources__producer", "parties__producer"):
            producer_id = declared[case.reference]
            sources = list(case.sources.all())
            parties = {p.role: p for p in case.parties.all()}
            for role in HEADLINE_ROLES:
                name = getattr(case, role)
                assert (parties[role].name if role in parties else "") == name
            if producer_id is None:
                assert sources == []
                continue
            if sources:
                (source,) = sources
                assert source.producer_id == producer_id
                assert source.producer.kind in UPSTREAM
                symbols = set(case.case_elements.values_list("element_id", flat=True))
                assert set(source.elements) == symbols
                assert source.evidence == []  # the first edition recorded no evidence
            else:
                assert parties["exporter"].producer_id == producer_id
                assert parties["exporter"].producer.kind not in UPSTREAM
    finally:
        # Back to the newest state (later migrations exist), not to AFTER: the tests that
        # follow need every column.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

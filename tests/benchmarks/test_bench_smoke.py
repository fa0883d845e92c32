"""The benchmark command runs end to end at a tiny scale and reports every section.

No timing is asserted: figures on a shared CI machine mean nothing; the full run is
`manage.py bench` (docs/benchmarks.md). The command is called as an instance so that the
test does not need "benchmarks" in INSTALLED_APPS.
"""

import json
from numbers import Number

import pytest
from django.core.management import call_command

from benchmarks.management.commands.bench import Command
from shipments.models import Case

pytestmark = pytest.mark.django_db


def _numbers(section: dict, *keys: str) -> None:
    for key in keys:
        assert isinstance(section[key], Number), f"{key} = {section[key]!r}"


def test_bench_command_writes_every_section_with_numbers(tmp_path):
    out = tmp_path / "bench.json"
    call_command(
        Command(),
        cases=200,
        sizes="50,200",
        json_path=str(out),
        skip_http=True,
        skip_celery=True,
        requests=2,
        profile_cases=0,
    )

    r = json.loads(out.read_text())
    assert Case.objects.filter(reference__startswith="BENCH-").count() == 200
    _numbers(r["meta"], "nproc")
    _numbers(r["floor"], "rows", "seconds", "rows_per_second", "mean_json_bytes_per_row")
    assert r["floor"]["rows"] == 200
    _numbers(
        r["full_rescore"],
        "cases_processed",
        "assessments_written",
        "seconds",
        "cases_per_second",
        "seconds_per_100k",
        "ratio_to_floor",
        "queries_first_chunk",
    )
    assert r["full_rescore"]["completed"] is True
    _numbers(r["pure_method"], "cases", "cases_per_second")
    assert r["pure_method"]["cases"] == 200
    _numbers(r["storage"], "stored_bytes_per_snapshot", "reference_parts")
    assert r["storage"]["reference_parts"] >= 1
    # The day after a full re-score, a change that moved nothing writes nothing for the
    # cases whose answer the date does not move.
    no_change = r["no_change_rescore"]
    assert no_change["completed"] is True
    assert no_change["unchanged"] + no_change["assessments_written"] == no_change["cases_processed"]
    assert no_change["unchanged"] > 0
    targeted = r["targeted_rescore"]
    _numbers(targeted, "cases_touched", "cases_affected_by_count", "seconds")
    assert targeted["cases_touched"] > 0
    assert targeted["equal"] is True
    assert set(r["pages"]) == {"50", "200"}
    for size in r["pages"].values():
        for label, page in size.items():
            if label.startswith("_"):
                continue
            _numbers(page, "median_ms", "p95_ms", "queries_median", "queries_max")
            assert page["status"] == [200], (label, page)
    assert r["http"] == {"skipped": True}
    assert r["celery"] == {"skipped": True}
    assert r["targets"], "the targets table is part of the report"
    assert all(isinstance(t["pass"], bool) for t in r["targets"])
    # The search's plans at each size, from EXPLAIN ANALYZE of the register's own query.
    plans = r["search_plans"]["200"]
    assert set(plans) == {"Kestrel", "BENCH-0000123", "Dy"}
    for plan in plans.values():
        _numbers(plan, "execution_ms")
        assert isinstance(plan["seq_scans"], list)
    assert any(t["target"].startswith("search q=Kestrel") for t in r["targets"])


def test_pages_only_stops_after_the_pages_and_the_search_plans(tmp_path):
    out = tmp_path / "bench.json"
    call_command(Command(), cases=100, sizes="100", json_path=str(out), pages_only=True, requests=1)
    r = json.loads(out.read_text())
    assert "full_rescore" not in r
    assert set(r["search_plans"]) == {"100"}
    assert [t["target"] for t in r["targets"] if t["target"].startswith("search")] == [
        "search q=Kestrel at 100: trigram indexes",
        "search q=BENCH-0000123 at 100: trigram indexes, no seq scan",
    ]

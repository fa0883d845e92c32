"""The measurements: the database's floor, re-scores, pages, HTTP load and a Celery worker.

Every loop is bounded in count and in time; every server and client is on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, RescoreChunk

from .synth import BATCH, Payload, _chunks, clone_assessments

PORTS = range(8110, 8120)  # the benchmark's own ports
LOOPBACK = "127.0.0.1"


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --------------------------------------------------------------------------- 1. floor


def floor(case_ids: Sequence[int], templates: Sequence[Payload], *, today: dt.date) -> dict:
    """bulk_create one assessment-sized row per case into the real table, then delete them.

    Same columns, same JSON payloads (cloned from real assessments) and the same indexes
    and constraints as the re-score writes: what the database itself takes for N snapshots.
    """
    payload_bytes = statistics.mean(
        len(json.dumps(t.inputs)) + len(json.dumps(t.factors)) + len(json.dumps(t.versions))
        for t in templates
    )
    started = time.perf_counter()
    # The same insert the re-score uses, so the ratio compares like with like.
    ids = clone_assessments(case_ids, templates, trigger="scheduled", today=today)
    seconds = time.perf_counter() - started
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, BATCH):
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                list(chunk),
            )
    return {
        "rows": len(ids),
        "seconds": round(seconds, 3),
        "rows_per_second": round(len(ids) / seconds, 1) if seconds else None,
        "mean_json_bytes_per_row": round(payload_bytes),
        "templates": len(templates),
    }


def storage() -> dict:
    """What the snapshots take as stored: the JSON columns' stored (compressed) sizes per
    row, the table with its TOAST and indexes per row, and the shared reference parts."""
    a = Assessment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return {"skipped": "PostgreSQL only"}
        cursor.execute(f"ANALYZE {a}")
        cursor.execute(
            "SELECT count(*), avg(pg_column_size(inputs)), avg(pg_column_size(factors)), "  # noqa: S608
            "avg(pg_column_size(versions)), avg(pg_column_size(inputs) + "
            "pg_column_size(factors) + pg_column_size(versions) + pg_column_size(inputs_hash) "
            f"+ pg_column_size(outcome_hash) + pg_column_size(trigger) + 64) FROM {a}"
        )
        rows, inputs, factors, versions, row = cursor.fetchone()
        cursor.execute(f"SELECT pg_total_relation_size('{a}')")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('assessments_referencepart') "
            "FROM assessments_referencepart"
        )
        parts, parts_bytes = cursor.fetchone()
    per_row = lambda value: round(float(value or 0))  # noqa: E731
    return {
        "snapshots": rows,
        # The JSON and text columns as stored (compressed where large) plus 64 bytes of
        # fixed-width columns and tuple header: the snapshot's own bytes.
        "stored_bytes_per_snapshot": per_row(row),
        "inputs_bytes": per_row(inputs),
        "factors_bytes": per_row(factors),
        "versions_bytes": per_row(versions),
        "table_bytes_per_snapshot": round(total / rows) if rows else None,
        "reference_parts": parts,
        "reference_parts_bytes": parts_bytes,
    }


def pure_rate(inputs: Sequence[object], assess: Callable[[object], object]) -> dict:
    """The pure method on one core: `assess(inputs)` (computing its own inputs hash, as a
    replay does) over inputs built beforehand; the best of three passes."""
    passes = []
    for _ in range(3):
        started = time.perf_counter()
        for item in inputs:
            assess(item)
        passes.append(time.perf_counter() - started)
    best = min(passes)
    return {
        "cases": len(inputs),
        "seconds": round(best, 3),
        "cases_per_second": round(len(inputs) / best, 1) if best else None,
        "passes": [round(p, 3) for p in passes],
    }


# --------------------------------------------------------------------------- 2. full re-score


def full_rescore(
    rescore: Callable[..., object],
    case_ids: Sequence[int],
    *,
    chunk_size: int,
    deadline: float,
    reference: object | None = None,
    trigger: str = "scheduled",
    today: dt.date | None = None,
) -> dict:
    """Re-score the cases through the real batch path, chunk by chunk, within a deadline.

    Like the scheduled sweep, one load of the reference data is shared by every chunk.
    `trigger="reference_change"` and a later `today` time a re-score after a change that
    moved nothing: an unchanged case writes nothing on a new day.
    """
    extra = {"reference": reference} if reference is not None else {}
    extra |= {"trigger": trigger} | ({"today": today} if today else {})
    before = Assessment.objects.filter(trigger=trigger).count()
    chunk_seconds: list[float] = []
    first_chunk_queries = None
    done = 0
    totals = {"processed": 0, "created": 0, "unchanged": 0}
    started = time.perf_counter()
    for n, chunk in enumerate(_chunks(list(case_ids), chunk_size)):
        if time.perf_counter() - started > deadline:
            break
        t0 = time.perf_counter()
        if n == 0:
            with CaptureQueriesContext(connection) as ctx:
                stats = rescore(case_ids=list(chunk), **extra)
            first_chunk_queries = len(ctx.captured_queries)
        else:
            stats = rescore(case_ids=list(chunk), **extra)
        chunk_seconds.append(time.perf_counter() - t0)
        done += len(chunk)
        for key in totals:
            totals[key] += getattr(stats, key, 0) or 0
    seconds = time.perf_counter() - started
    written = Assessment.objects.filter(trigger=trigger).count() - before
    processed = totals["processed"] or done
    return {
        "cases_submitted": done,
        "cases_requested": len(case_ids),
        # Closed cases are skipped by the batch (they keep their last assessment).
        "cases_processed": processed,
        "unchanged": totals["unchanged"],
        "assessments_written": written,
        "seconds": round(seconds, 3),
        "cases_per_second": round(processed / seconds, 1) if seconds else None,
        "seconds_per_100k": round(100_000 * seconds / processed, 1) if processed else None,
        "chunk_size": chunk_size,
        "chunks": len(chunk_seconds),
        "chunk_seconds_median": round(statistics.median(chunk_seconds), 3) if chunk_seconds else 0,
        "chunk_seconds_p95": round(pct(chunk_seconds, 95), 3),
        "queries_first_chunk": first_chunk_queries,
        "completed": done == len(case_ids),
    }


# --------------------------------------------------------------------------- 4. pages


def pages(client: Client, paths: dict[str, Sequence[str]], *, requests: int) -> dict:
    """Median/p95 time and query count per page, `requests` times each after one warm-up.

    `paths` maps a label to the URLs to cycle through (e.g. several case pages).
    """
    out = {}
    for label, urls in paths.items():
        times, queries, statuses, errors = [], [], set(), set()
        for i in range(requests + 1):
            url = urls[i % len(urls)]
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                try:
                    response = client.get(url)
                    statuses.add(response.status_code)
                except Exception as e:  # recorded in the figures: a broken page is a finding
                    statuses.add(500)
                    errors.add(f"{type(e).__name__}: {e}"[:300])
                elapsed = time.perf_counter() - t0
            if i == 0:
                continue  # warm-up: template compilation, per-process caches
            times.append(elapsed)
            queries.append(len(ctx.captured_queries))
        out[label] = {
            "example": urls[0],
            "requests": len(times),
            "status": sorted(statuses),
            "median_ms": ms(statistics.median(times)),
            "p95_ms": ms(pct(times, 95)),
            "queries_median": statistics.median(queries),
            "queries_max": max(queries),
            "errors": sorted(errors),
        }
    return out


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def search_plans(searches: Sequence[str]) -> dict:
    """EXPLAIN ANALYZE of the register's search (the FilterSet's own query, risk order, one
    page) for each term: the indexes the plan uses, whether any sequential scan of a case,
    party or source table is left, and the execution time the database reports."""
    from shipments.filters import CaseFilterSet
    from shipments.models import Case

    if connection.vendor != "postgresql":
        return {"skipped": "not PostgreSQL"}
    out = {}
    for term in searches:
        qs = CaseFilterSet({"q": term, "sort": "risk"}, queryset=Case.objects.all()).qs[:50]
        sql, params = qs.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            (raw,) = cursor.fetchone()
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        nodes = list(_plan_nodes(plan["Plan"]))
        out[term] = {
            "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
            "trigram_indexes": sorted(
                {n["Index Name"] for n in nodes if n.get("Index Name", "").endswith("_trgm")}
            ),
            "seq_scans": sorted(
                {n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}
            ),
            "execution_ms": round(plan["Execution Time"], 1),
        }
    return out


# --------------------------------------------------------------------------- subprocesses


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def pick_port() -> int:
    for port in PORTS:
        if port_free(port):
            return port
    raise RuntimeError("no free port in 8110-8119")


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {LOOPBACK}:{port} after {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a process this benchmark started (its own process group), firmly if need be."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a server or worker: this run's database, benchmark settings."""
    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or LOOPBACK}:{db['PORT'] or 5432}/{db['NAME']}"
        "?conn_max_age=600"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings_bench",
        DATABASE_URL=url,
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LODESTONE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


# --------------------------------------------------------------------------- 5. HTTP


def warm_up(port: int, case_ids: Sequence[int], sessions: Sequence[str], requests: int) -> None:
    """A few case pages before measuring, so that each worker has loaded URLs, templates and
    caches: the figures are of a running server, not of its first requests."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[0]}" if sessions else ""
    for pk in list(case_ids)[:requests]:
        request = urllib.request.Request(
            f"http://{LOOPBACK}:{port}/cases/{pk}/", headers={"Cookie": cookie}
        )
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            r.read()


def http_load(
    *,
    case_ids: Sequence[int],
    username: str,
    password: str,
    api_token: str,
    sessions: Sequence[str],
    out_dir: Path,
    users: int = 20,
    seconds: int = 30,
    workers: int = 2,
    api_weight: int = 1,
    label: str = "mixed",
    think: tuple[float, float] = (0.0, 0.05),
) -> dict:
    """gunicorn (2 workers) + locust headless (20 users) on loopback; parse locust's CSV."""
    port = pick_port()
    ids_file = out_dir / "locust-case-ids.txt"
    ids_file.write_text("\n".join(str(i) for i in case_ids[:5000]))
    sessions_file = out_dir / "locust-sessions.txt"
    sessions_file.write_text("\n".join(sessions))
    env = child_env(
        BENCH_CASE_IDS=str(ids_file),
        BENCH_SESSIONS=str(sessions_file),
        BENCH_USERNAME=username,
        BENCH_PASSWORD=password,
        BENCH_API_TOKEN=api_token,
        BENCH_API_WEIGHT=str(api_weight),
        BENCH_THINK_MIN=str(think[0]),
        BENCH_THINK_MAX=str(think[1]),
    )
    log = (out_dir / f"gunicorn-{label}.log").open("w")
    server = subprocess.Popen(
        [
            _bin("gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{LOOPBACK}:{port}",
            "--timeout",
            "60",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    prefix = out_dir / f"locust-{label}"
    try:
        wait_for_port(port, 60, server)
        warm_up(port, case_ids, sessions, requests=10 * workers)
        locust = subprocess.run(
            [
                _bin("locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://{LOOPBACK}:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
    finally:
        stop(server)
        log.close()
    stats = {}
    stats_file = Path(f"{prefix}_stats.csv")
    if stats_file.exists():
        with stats_file.open() as f:
            for row in csv.DictReader(f):
                stats[row["Name"]] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "requests_per_second": round(float(row["Requests/s"]), 1),
                    "median_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                }
    return {
        "scenario": label,
        "api_weight": api_weight,
        "port": port,
        "gunicorn_workers": workers,
        "users": users,
        "seconds": seconds,
        "locust_returncode": locust.returncode,
        "locust_stderr_tail": locust.stderr[-800:],
        "endpoints": stats,
    }


# --------------------------------------------------------------------------- 6. Celery


def _peak_rss_mib(pid: int) -> float | None:
    """The largest peak resident set (VmHWM) of a process and its children (a prefork
    worker's pool processes), in MiB, from /proc; None where /proc is not there."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    family = {pid}
    for status in proc.glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                family.add(int(status.parent.name))
    peaks = []
    for member in family:
        try:
            text = (proc / str(member) / "status").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1) if peaks else None


def celery_rescore(
    *,
    change_id: int,
    affected: int,
    task_name: str,
    broker_url: str,
    out_dir: Path,
    concurrency: int = 2,
    timeout: float = 600,
) -> dict:
    """A real worker (-c `concurrency`, Redis) re-scores a change: the time from sending the
    planner task until the change is done (its last chunk committed)."""
    import redis
    from celery import Celery

    from registry.models import ReferenceChange

    redis.Redis.from_url(broker_url).flushdb()  # the benchmark's own Redis database only
    env = child_env(CELERY_BROKER_URL=broker_url, BENCH_CELERY_EAGER="0")
    log = (out_dir / f"celery-worker-c{concurrency}.log").open("w")
    worker = subprocess.Popen(
        [
            _bin("celery"),
            "-A",
            "config",
            "worker",
            "-c",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            # Every queue: the planner publishes its chunks on `rescore`.
            "-Q",
            ",".join(settings.LODESTONE_QUEUES),
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sender = Celery("bench-sender", broker=broker_url)
    sender.conf.broker_connection_timeout = 3
    try:
        time.sleep(1)
        if worker.poll() is not None:
            raise RuntimeError(f"celery worker exited with {worker.returncode}")
        started = time.perf_counter()
        sender.send_task(task_name, args=[change_id], queue="rescore")
        change = ReferenceChange.objects.get(pk=change_id)
        end = started + timeout
        while time.perf_counter() < end:
            change.refresh_from_db()
            if change.status in ("done", "failed"):
                break
            if worker.poll() is not None:
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        peak_rss = _peak_rss_mib(worker.pid)
    finally:
        stop(worker, timeout=30)
        log.close()
        sender.close()
    written = Assessment.objects.filter(reference_change_id=change_id).count()
    finished = change.status == "done"
    log_text = (out_dir / f"celery-worker-c{concurrency}.log").read_text(errors="replace")
    return {
        "concurrency": concurrency,
        "expected_affected": affected,
        "affected_count": change.affected_count,
        "done_count": change.done_count,
        "assessments_written": written,
        "status": change.status,
        "finished": finished,
        "seconds": round(seconds, 3),
        "cases_per_second": round(change.done_count / seconds, 1) if seconds else None,
        "worker_peak_rss_mib": peak_rss,
        "timed_out": not finished and change.status != "failed",
        "chunks": RescoreChunk.objects.filter(change_id=change_id).count(),
        # A task over its soft or hard limit says so in the worker's log ("Soft time limit
        # (300s) exceeded for ...", "Hard time limit ...", TimeLimitExceeded).
        "time_limit_exceeded": log_text.lower().count("time limit"),
    }


# --------------------------------------------------------------------------- profile


def profile(fn: Callable[[], object], out_file: Path, top: int = 15) -> dict:
    """Run fn under pyinstrument; the text report to out_file, the top self-time functions."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"available": False, "note": "pip install pyinstrument to profile"}
    profiler = Profiler(interval=0.001)
    profiler.start()
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    profiler.stop()
    out_file.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    out_file.with_suffix(".all.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=True)
    )
    totals: dict[str, float] = {}
    by_file: dict[str, float] = {}

    def walk(frame) -> None:
        key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        totals[key] = totals.get(key, 0.0) + frame.total_self_time
        path = frame.file_path_short or "?"
        by_file[path] = by_file.get(path, 0.0) + frame.total_self_time
        for child in frame.children:
            walk(child)

    root = profiler.last_session.root_frame()
    if root is not None:
        walk(root)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return {
        "available": True,
        "seconds": round(seconds, 3),
        "report": str(out_file),
        "top_self_time": [{"function": k, "seconds": round(v, 3)} for k, v in ranked],
        "top_files": [
            {"file": k, "seconds": round(v, 3)}
            for k, v in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]
        ],
    }

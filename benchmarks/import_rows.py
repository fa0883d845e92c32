"""Measure a case import at scale, both steps, on the configured database.

    DATABASE_URL=postgres://... CELERY_BROKER_URL= \
        .venv/bin/python -m benchmarks.import_rows 50000 [xlsx]

Loads the reference data if the database has none, makes a `bench-importer` officer,
writes N rows (a few producers, element mixes, owners) to a CSV or XLSX in memory, then
runs the import as the page does: import_job_create (the guard, storage, and with no
broker the check runs in process on commit) and import_job_confirm (the import). Prints
seconds and rows per minute for each step. Use a scratch database: the cases stay.
"""

from __future__ import annotations

import os
import sys
import time


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import tablib
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from accounts.roles import OFFICER
    from registry.models import Element, Producer
    from registry.spreadsheets import spreadsheet_check
    from shipments.importing import IMPORT_COLUMNS
    from shipments.models import ImportJob
    from shipments.services import import_job_confirm, import_job_create

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    fmt = sys.argv[2] if len(sys.argv) > 2 else "csv"
    if not Element.objects.exists():
        call_command("load_reference_data", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    user.groups.add(Group.objects.get(name=OFFICER))
    producers = list(Producer.objects.order_by("pk").values_list("name_en", flat=True)[:6])
    mixes = ["Nd:75, Pr:25", "Dy", "Tb:5, Dy:10", "Ce", "Nd:30, Pr:10, Dy", "La:40, Ce:60"]
    forms = ["oxide", "metal", "magnet", "oxide", "compound", "alloy"]
    run = time.strftime("%H%M%S")
    data = tablib.Dataset(headers=list(IMPORT_COLUMNS))
    for i in range(n):
        row = {
            "reference": f"B{run}-{i:06d}",
            "buyer": f"Buyer {i % 97}",
            "exporter": "Baotou Export Co.",
            "producer": producers[i % len(producers)] if i % 4 else "",
            "product_form": forms[i % len(forms)],
            "elements": mixes[i % len(mixes)],
            "quantity_kg": str(100 + i % 5000),
            "destination": ["DE", "JP", "US", "FR", "KR"][i % 5],
            "end_use": ["automotive", "wind", "industrial", "research"][i % 4],
            "end_user": f"End user {i % 53}",
            "planned_ship_date": f"2026-{1 + i % 12:02d}-15",
            "licence_status": ["not_required", "applied", "granted"][i % 3],
            "general_licence": "no",
        }
        data.append([row.get(c, "") for c in IMPORT_COLUMNS])
    body = data.export("xlsx") if fmt == "xlsx" else data.export("csv").encode()
    _say(f"{n:,} rows, {fmt}, {len(body) / 1e6:.1f} MB")

    import io

    started = time.perf_counter()
    spreadsheet_check(io.BytesIO(body))
    _say(f"guard: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    job = import_job_create(actor=user, file=SimpleUploadedFile(f"bench.{fmt}", body))
    job = ImportJob.objects.get(pk=job.pk)
    check = time.perf_counter() - started
    assert job.state == "checked", (job.state, job.failure, job.errors[:3])
    _say(f"check: {check:.1f} s, {n / check * 60:,.0f} rows/min (upload, guard, parse, validate)")

    started = time.perf_counter()
    import_job_confirm(job=job, actor=user)
    job = ImportJob.objects.get(pk=job.pk)
    imported = time.perf_counter() - started
    assert job.state == "done", (job.state, job.failure)
    assert job.imported_rows == n
    _say(f"import: {imported:.1f} s, {n / imported * 60:,.0f} rows/min (insert and assess)")


if __name__ == "__main__":
    main()

"""Loading the demo: users, the registry demo, the cases (through the services), and one
pending reference change. Idempotent: users are matched by username, cases by reference
(an existing case is left alone), the reference change by the entry it adds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from demo.cases import BASIC, CASES, EXPIRED_ON, FULL, USERS, VALID_UNTIL
from demo.registry import load_registry_demo
from method.choices import GENERAL_LICENCE_DOCUMENTS, INDIVIDUAL_LICENCE_DOCUMENTS
from registry.loading import load_reference_data
from registry.models import Element, Producer, WatchList, WatchListEntry
from registry.services import watch_list_entry_upsert
from shipments.choices import DocumentType, ImportState
from shipments.importing import IMPORT_COLUMNS
from shipments.models import Case, ImportJob
from shipments.services import (
    case_create,
    case_document_add,
    case_status_change,
    case_watchers_set,
    import_job_confirm,
    import_job_create,
)

__all__ = ["BASIC", "FULL", "DemoReport", "demo_load"]


@dataclass(frozen=True)
class DemoReport:
    users: int
    created: int
    demo_cases: int


def demo_load() -> DemoReport:
    """Load everything the demo shows; safe to run again."""
    users = users_load()
    if not Element.objects.exists():
        load_reference_data()
    load_registry_demo()
    created = 0
    for i, spec in enumerate(CASES):
        if Case.objects.filter(reference=spec["ref"]).exists():
            continue
        owner = users["officer"] if i % 3 else users["officer2"]
        with transaction.atomic():
            case_load(spec=spec, owner=owner, users=users, index=i)
        created += 1
    reference_change_load(staff=users["staff"])
    imports_load(officer=users["officer"])
    return DemoReport(
        users=len(users),
        created=created,
        demo_cases=Case.objects.filter(reference__startswith="DEMO-").count(),
    )


def users_load() -> dict:
    """The demo users (password = username + '-demo'), by username."""
    user_model = get_user_model()
    users = {}
    for username, role, extra in USERS:
        user, made = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@lodestone.example", **extra}
        )
        if made:
            user.set_password(f"{username}-demo")
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def reference_change_load(*, staff) -> None:
    """One watch-list update made through the service, as staff would: it records a
    reference change, re-scores only the case whose end user matches, and (the band
    worsening) queues an alert to the case's owner. Done once."""
    name = "Lannion Photonics SA"
    if WatchListEntry.objects.filter(name=name).exists():
        return
    watch_list_entry_upsert(
        watch_list=WatchList.objects.get(key="demo-screening"),
        name=name,
        actor=staff,
        aliases=["Lannion Photonics"],
        country="FR",
        status="active",
        date_added=dt.date(2026, 11, 20),
        announcement="Demo notice 2",
        is_demo=True,
        source="Invented for the demo.",
    )


def case_load(*, spec: dict, owner, users: dict, index: int) -> Case:
    """One demo case from its spec (demo/cases.py), through the shipments services."""
    producer = Producer.objects.filter(name_en=spec["producer"]).first()
    case = case_create(
        actor=owner,
        reference=spec["ref"],
        buyer=spec.get("buyer") or spec["eu"],
        exporter=(producer.name_en if producer else "Shanghai Demo Rare Earth Trading Co.")
        if spec["form"] != "magnet"
        else "Ningbo Demo Magnetics Co.",
        producer=producer,
        supplier_text=spec.get("supplier", ""),
        product_form=spec["form"],
        elements={k: (Decimal(str(v)) if v is not None else None) for k, v in spec["el"].items()},
        hs_code=spec["hs"],
        quantity_kg=Decimal(spec["qty"]),
        destination=spec["dest"],
        end_use=spec["use"],
        end_user=spec["eu"],
        consignee=spec.get("consignee", ""),
        planned_ship_date=spec["ship"],
        licence_status=spec["lic"],
        licence_number=spec.get("lic_no", ""),
        licence_applied_on=spec.get("applied"),
        licence_valid_until=spec.get("valid"),
        general_licence=spec.get("general", False),
        owner=owner,
    )
    watchers = [users["viewer"]] if index % 2 else []
    if index % 4 == 0:
        watchers.append(users["officer2"] if owner == users["officer"] else users["officer"])
    if watchers:
        case_watchers_set(case=case, actor=owner, watchers=watchers)
    for doc_type in _doc_types(spec["docs"]):
        expired = doc_type in spec.get("expired", ())
        case_document_add(
            case=case,
            actor=owner,
            doc_type=doc_type,
            file=ContentFile(
                f"Demo {DocumentType(doc_type).label} for {spec['ref']}\n".encode(),
                name=f"{spec['ref'].lower()}-{doc_type}.txt",
            ),
            status="verified" if not expired else "provided",
            expires_on=EXPIRED_ON if expired else _expiry(doc_type, spec),
            note="Demo document.",
        )
    for status, reason in spec.get("status", ()):
        case = case_status_change(case=case, actor=owner, status=status, reason=reason)
    return case


def _doc_types(docs) -> list[str]:
    if isinstance(docs, list):
        return docs
    base, _, extra = docs.partition("+")
    # The method's own lists: the full individual-licence file, or the basic three.
    types = list(INDIVIDUAL_LICENCE_DOCUMENTS if base == FULL else GENERAL_LICENCE_DOCUMENTS)
    if extra == "licence":
        types.append(DocumentType.LICENCE)
    return types


def _expiry(doc_type: str, spec: dict) -> dt.date | None:
    if doc_type == DocumentType.LICENCE:
        return spec.get("valid")
    if doc_type in (DocumentType.END_USER_CERTIFICATE, DocumentType.END_USE_CERTIFICATE):
        return VALID_UNTIL
    return None


# Two background imports as an officer would upload them: one imported, one refused.
IMPORT_ROWS = [
    {"reference": "DEMO-IMP-001", "buyer": "Kansai Motor Components K.K.",
     "exporter": "Shanghai Demo Rare Earth Trading Co.", "product_form": "oxide",
     "elements": "Nd:75, Pr:25", "quantity_kg": "500", "destination": "JP",
     "end_use": "automotive", "end_user": "Kansai Motor Components K.K.",
     "planned_ship_date": "2027-02-15", "licence_status": "not_required"},
    {"reference": "DEMO-IMP-002", "buyer": "Bavaria Servo GmbH",
     "exporter": "Ningbo Demo Magnetics Co.", "product_form": "magnet",
     "elements": "Nd:28, Pr:7, Dy:4, Tb:1", "quantity_kg": "1200", "destination": "DE",
     "end_use": "industrial", "end_user": "Bavaria Servo GmbH",
     "planned_ship_date": "2027-03-01", "licence_status": "applied",
     "licence_applied_on": "2026-11-20"},
]  # fmt: skip


def _import_file(name: str, rows: list[dict]) -> ContentFile:
    data = tablib.Dataset(headers=list(IMPORT_COLUMNS))
    for row in rows:
        data.append([row.get(column, "") for column in IMPORT_COLUMNS])
    return ContentFile(data.export("csv").encode(), name=name)


def imports_load(*, officer) -> None:
    """A checked-and-imported file and a file refused for one bad row (row 3: an element
    that is not a rare earth), so the import pages have history. Done once."""
    if ImportJob.objects.filter(file_name__startswith="demo-").exists():
        return
    good = import_job_create(actor=officer, file=_import_file("demo-magnet-book.csv", IMPORT_ROWS))
    good = ImportJob.objects.get(pk=good.pk)
    if good.state == ImportState.CHECKED:  # in process; with a broker a worker does it later
        import_job_confirm(job=good, actor=officer)
    bad_rows = [{**row, "reference": row["reference"].replace("IMP", "IMX")} for row in IMPORT_ROWS]
    bad_rows[1] = {**bad_rows[1], "elements": "Nd:28, Fe:60"}
    import_job_create(actor=officer, file=_import_file("demo-with-an-error.csv", bad_rows))

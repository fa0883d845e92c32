"""Loading the demo: users, the registry demo, a reported quota allocation and the licence
records (recorded through the services, as staff and officers would), the cases (through
the services), their dispositions (recorded and decided by two officers), and one pending
reference change. Idempotent: users are matched by
username, licences by number, cases by reference (an existing case is left alone), the
allocation by batch, group, kind and category, the reference change by the entry it adds.
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
from django.utils import timezone

from assessments.dispositions.decisions import (
    disposition_approve,
    disposition_create,
    disposition_reject,
)
from demo.cases import (
    BASIC,
    CASES,
    DISPOSITIONS,
    EXPIRED_ON,
    EXPIRING_IN,
    FULL,
    LICENCES,
    USERS,
    VALID_UNTIL,
)
from demo.registry import demo_uscc, load_registry_demo
from method.choices import (
    GENERAL_LICENCE_DOCUMENTS,
    INDIVIDUAL_LICENCE_DOCUMENTS,
    SHIPMENT_DOCUMENTS,
)
from registry.choices import QuotaCategory, QuotaConfidence, QuotaKind
from registry.loading import load_reference_data
from registry.models import (
    Element,
    Producer,
    ProducerGroup,
    QuotaCycle,
    TechnologyItem,
    WatchList,
    WatchListEntry,
)
from registry.services import watch_list_entry_upsert
from registry.services.quotas import quota_allocation_set, quota_batch_issue
from shipments.choices import DocumentType, ImportState
from shipments.importing import IMPORT_COLUMNS
from shipments.models import HEADLINE_ROLES, Case, ImportJob, Licence
from shipments.services import (
    case_create,
    case_document_add,
    case_status_change,
    case_watchers_set,
    import_job_confirm,
    import_job_create,
)
from shipments.services.licences import licence_create

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
    reported_allocation_load(staff=users["staff"])
    licences = licences_load(officer=users["officer"])
    created = 0
    for i, spec in enumerate(CASES):
        if Case.objects.filter(reference=spec["ref"]).exists():
            continue
        default = users["officer"] if i % 3 else users["officer2"]
        owner = users[spec["owner"]] if "owner" in spec else default
        with transaction.atomic():
            case_load(spec=spec, owner=owner, users=users, index=i, licences=licences)
        created += 1
    dispositions_load(users=users)
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


# A figure staff record for the unpublished 2026 cycle, as reported in the trade press: so
# that China Northern sources are judged on it ("volumes reported, not official"), while
# China Rare Earth Group sources still fall back to the latest published cycle.
REPORTED_ALLOCATION = {
    "year": 2026,
    "group": "china-northern",
    "kind": QuotaKind.SMELTING,
    "category": QuotaCategory.LIGHT,
    "tonnes": Decimal("140000"),
}
REPORTED_NOTE = (
    "Demo figure, invented: a 2026 light smelting allocation for China Northern as the "
    "trade press might report it. Not a published or real volume."
)


def reported_allocation_load(*, staff) -> None:
    """Staff record the reported allocation through the quota services (batch 1 of the
    unpublished cycle, confidence "reported"); done before the cases, so they are assessed
    on it. Nothing happens when the cycle or the group is missing or it is recorded."""
    spec = REPORTED_ALLOCATION
    cycle = QuotaCycle.objects.filter(year=spec["year"]).first()
    group = ProducerGroup.objects.filter(key=spec["group"]).first()
    if cycle is None or group is None or cycle.published:
        return
    batch = cycle.batches.filter(number=1).first() or quota_batch_issue(
        cycle=cycle,
        number=1,
        actor=staff,
        confidence=QuotaConfidence.REPORTED,
        notes=REPORTED_NOTE,
    )
    if batch.allocations.filter(group=group, kind=spec["kind"], category=spec["category"]).exists():
        return
    quota_allocation_set(
        batch=batch,
        group=group,
        kind=spec["kind"],
        category=spec["category"],
        tonnes=spec["tonnes"],
        actor=staff,
        confidence=QuotaConfidence.REPORTED,
        source=REPORTED_NOTE,
    )


def licences_load(*, officer) -> dict[str, Licence]:
    """The book's licence records (demo/cases.py LICENCES) by number, recorded through
    licence_create; an existing number is left alone. A holder in the registry brings
    its USCC."""
    out = {}
    for spec in LICENCES:
        licence = Licence.objects.filter(number=spec["number"]).first()
        if licence is None:
            holder = _registry(spec["holder"])
            fields = {
                **spec,
                "quantity_kg": Decimal(spec["quantity_kg"]),
                "holder_uscc": holder.uscc if holder else "",
            }
            licence = licence_create(actor=officer, **fields)
        out[licence.number] = licence
    return out


def dispositions_load(*, users: dict) -> None:
    """The demo's dispositions (demo.cases.DISPOSITIONS), recorded and decided through the
    services as two officers would. A case that already has a disposition is left alone."""
    for ref, kind, subject, author, decider, outcome, days, reason in DISPOSITIONS:
        case = Case.objects.filter(reference=ref).first()
        if case is None or case.dispositions.exists():
            continue
        on = (
            {"watch_entry": WatchListEntry.objects.get(name=subject[2]), "party_role": subject[1]}
            if subject[0] == "hit"
            else {"factor": subject[1]}
        )
        with transaction.atomic():
            d = disposition_create(
                case=case,
                kind=kind,
                actor=users[author],
                reason=reason,
                expires_on=timezone.localdate() + dt.timedelta(days=days),
                **on,
            )
            if outcome == "approved":
                disposition_approve(disposition=d, actor=users[decider])
            elif outcome == "rejected":
                disposition_reject(
                    disposition=d,
                    actor=users[decider],
                    reason="Same trade licence number as the listed entry: a branch is the "
                    "listed party.",
                )


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


def case_load(*, spec: dict, owner, users: dict, index: int, licences: dict) -> Case:
    """One demo case from its spec (demo/cases.py), through the shipments services."""
    record = licences[spec["licence"]] if "licence" in spec else None
    if record is not None:
        # The register shows the case's own licence columns: copied from the record.
        spec = {
            **spec,
            "lic": record.status,
            "lic_no": record.number,
            "applied": record.applied_on,
            "valid": record.valid_until,
            "general": record.pathway == "general",
        }
    tech = TechnologyItem.objects.get(key=spec["tech"]) if "tech" in spec else None
    parties = case_parties(spec)
    headline = {p["role"]: p["name"] for p in parties if p["role"] in HEADLINE_ROLES}
    case = case_create(
        actor=owner,
        reference=spec["ref"],
        buyer=headline["buyer"],
        exporter=headline["exporter"],
        end_user=headline["end_user"],
        consignee=headline.get("consignee", ""),
        parties=parties,
        sources=[_source(s) for s in spec.get("sources", ())],
        supplier_text=spec.get("supplier", ""),
        product_form=spec["form"],
        elements={k: (Decimal(str(v)) if v is not None else None) for k, v in spec["el"].items()},
        hs_code=spec["hs"],
        quantity_kg=Decimal(spec["qty"]),
        destination=spec["dest"],
        end_use=spec["use"],
        planned_ship_date=spec["ship"],
        licence_status=spec["lic"],
        licence_number=spec.get("lic_no", ""),
        licence_applied_on=spec.get("applied"),
        licence_valid_until=spec.get("valid"),
        general_licence=spec.get("general", False),
        licence_record=record,
        technology_item=tech,
        owner=owner,
    )
    watchers = [users["viewer"]] if index % 2 else []
    if index % 4 == 0:
        watchers.append(users["officer2"] if owner == users["officer"] else users["officer"])
    if watchers:
        case_watchers_set(case=case, actor=owner, watchers=watchers)
    for doc_type in _doc_types(spec["docs"]):
        expired = doc_type in spec.get("expired", ())
        expires_on = EXPIRED_ON if expired else _expiry(doc_type, spec)
        if doc_type in spec.get("expiring", ()):
            # Relative to the day of loading, so the reminder task always has it to send.
            expires_on = timezone.localdate() + EXPIRING_IN
        case_document_add(
            case=case,
            actor=owner,
            doc_type=doc_type,
            file=ContentFile(
                f"Demo {DocumentType(doc_type).label} for {spec['ref']}\n".encode(),
                name=f"{spec['ref'].lower()}-{doc_type}.txt",
            ),
            status="verified" if not expired else "provided",
            expires_on=expires_on,
            note="Demo document.",
        )
    for status, reason in spec.get("status", ()):
        case = case_status_change(case=case, actor=owner, status=status, reason=reason)
    return case


# A licence was asked for: the exporter holds it unless the spec names another holder.
_LICENSED = ("applied", "granted", "denied", "expired")


def case_parties(spec: dict) -> list[dict]:
    """The case's parties for case_create: buyer, exporter (with its registry record and
    USCC), licence holder, consignee, end user, then the intermediaries."""
    dest = spec["dest"]
    exporter = _registry(spec["exporter"])
    body = spec.get("exporter_uscc", "")
    exporter_uscc = exporter.uscc if exporter else demo_uscc(body) if body else ""
    parties = [
        {
            "role": "buyer",
            "name": spec.get("buyer") or spec["eu"],
            "country": spec.get("buyer_country", dest),
        },
        {
            "role": "exporter",
            "name": spec["exporter"],
            "country": spec.get("exporter_country", "CN"),
            "uscc": exporter_uscc,
            "producer": exporter,
        },
    ]
    holder = spec.get("holder", spec["exporter"] if spec["lic"] in _LICENSED else None)
    if holder:
        record = _registry(holder)
        same = holder == spec["exporter"]
        uscc = exporter_uscc if same else record.uscc if record else ""
        parties.append(
            {
                "role": "licence_holder",
                "name": holder,
                "country": "CN",
                "uscc": uscc,
                "producer": record,
            }
        )
    if spec.get("consignee"):
        parties.append({"role": "consignee", "name": spec["consignee"], "country": dest})
    parties.append(
        {
            "role": "end_user",
            "name": spec["eu"],
            "country": spec.get("eu_country", dest),
            "registry_number": spec.get("eu_registry", ""),
        }
    )
    for role, name, country, body in spec.get("via", ()):
        record = _registry(name)
        uscc = record.uscc if record else demo_uscc(body) if body else ""
        parties.append(
            {"role": role, "name": name, "country": country, "uscc": uscc, "producer": record}
        )
    return parties


def _registry(name: str) -> Producer | None:
    """The registry's record of a producer named in the book (None: a party only)."""
    return Producer.objects.filter(name_en=name).first()


def _source(spec: dict) -> dict:
    plant = spec["plant"]
    producer = Producer.objects.get(name_en=plant) if plant else None
    return {**{k: v for k, v in spec.items() if k != "plant"}, "producer": producer}


def _doc_types(docs) -> list[str]:
    if isinstance(docs, list):
        return docs
    base, _, extra = docs.partition("+")
    # The method's own lists: the individual licence application file (FULL) or a general
    # licence's documents (BASIC), each with the shipment file (contract, commercial
    # invoice, packing list), which every shipment needs to leave; the end-user
    # certificate a licensed shipment needs is in both, the licence copy is "+licence".
    types = list(INDIVIDUAL_LICENCE_DOCUMENTS if base == FULL else GENERAL_LICENCE_DOCUMENTS)
    types.extend(doc for doc in SHIPMENT_DOCUMENTS if doc not in types)
    if extra == "licence":
        types.append(DocumentType.LICENCE)
    return types


def _expiry(doc_type: str, spec: dict) -> dt.date | None:
    if doc_type == DocumentType.LICENCE:
        return spec.get("valid")
    if doc_type in (DocumentType.END_USER_CERTIFICATE, DocumentType.END_USE_CERTIFICATE):
        return VALID_UNTIL
    return None


# Two background imports as an officer would upload them: one imported, one refused. The
# columns are the case file's layout (docs/operations.md, "The case file"): a party's details
# beside its name, then numbered intermediaries and upstream sources.
IMPORT_ROWS = [
    {"reference": "DEMO-IMP-001", "buyer": "Kansai Motor Components K.K.",
     "exporter": "Shanghai Demo Rare Earth Trading Co.", "exporter_country": "CN",
     "exporter_uscc": demo_uscc("91310000MA1DEMO08"), "product_form": "oxide",
     "elements": "Nd:75, Pr:25", "quantity_kg": "500", "destination": "JP",
     "end_use": "automotive", "end_user": "Kansai Motor Components K.K.",
     "planned_ship_date": "2027-02-15", "licence_status": "not_required",
     "supplier_text": "Trader has not named the separation plant yet"},
    {"reference": "DEMO-IMP-002", "buyer": "Bavaria Servo GmbH",
     "exporter": "Ningbo Demo Magnetics Co.", "exporter_country": "CN",
     "exporter_uscc": demo_uscc("91330200MA2DEMO07"), "product_form": "magnet",
     "elements": "Nd:28, Pr:7, Dy:4, Tb:1", "quantity_kg": "1200", "destination": "DE",
     "end_use": "industrial", "end_user": "Bavaria Servo GmbH",
     "planned_ship_date": "2027-03-01", "licence_status": "applied",
     "licence_applied_on": "2026-11-20",
     "intermediary_1_role": "forwarder", "intermediary_1_name": "Hamburg Demo Logistics GmbH",
     "intermediary_1_country": "DE",
     "source_1_label": "NdPr", "source_1_elements": "Nd, Pr",
     "source_1_plant": "Baotou Huamei Rare Earth Hi-Tech", "source_1_ore": "light",
     "source_1_year": "2026", "source_1_evidence": "supplier_declaration, invoice",
     "source_2_label": "DyTb", "source_2_elements": "Dy, Tb",
     "source_2_plant": "Ganzhou Demo Ionic Separation Co.", "source_2_ore": "ionic",
     "source_2_year": "2026", "source_2_evidence": "certificate_of_origin, invoice"},
]  # fmt: skip


def _import_file(name: str, rows: list[dict]) -> ContentFile:
    # A column the import does not know is written all the same: the import refuses the file
    # by name rather than the demo dropping a party or a source without a word.
    extra = [c for row in rows for c in row if c not in IMPORT_COLUMNS]
    headers = [*IMPORT_COLUMNS, *dict.fromkeys(extra)]
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append([row.get(column, "") for column in headers])
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

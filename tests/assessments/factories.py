"""Real-ish registry rows and cases for the assessment tests, created with the ORM.

A fresh test database has no elements: `elements_create()` loads the 17 from the values
of /work/shared/reference/elements.yaml (copied here so the tests stand alone).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from registry.loading import load_elements as elements_create
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    CalendarDay,
    HolidayNotice,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    ReferenceChange,
    Suspension,
    WatchList,
    WatchListEntry,
)
from shipments.models import Case, CaseElement, CaseParty, CaseSource, Document

# symbol, name, atomic number, family, quota category
SEPARATED = ["metal", "alloy", "target", "magnet", "oxide", "compound"]


def measure_create(key, title, *, layers, elements=(), forms=(), effective_from, **extra):
    m = Measure.objects.create(
        key=key,
        title=title,
        layers=list(layers),
        forms=list(forms),
        effective_from=effective_from,
        **extra,
    )
    if elements:
        m.elements.set(elements)
    return m


@dataclass
class World:
    elements: dict
    no18: Measure
    no57: Measure
    no70: Measure
    suspension57: Suspension
    northern: ProducerGroup
    creg: ProducerGroup
    xiamen: ProducerGroup
    northern_plant: Producer
    creg_plant: Producer
    xiamen_plant: Producer
    trader: Producer
    list_2024: ApprovedListVersion
    cycle_2024: QuotaCycle
    batch_2024: QuotaBatch
    cycle_2025: QuotaCycle
    uel: WatchList
    lockheed: WatchListEntry
    skydio: WatchListEntry


def world_create() -> World:
    """No. 18 (not suspended), No. 57 suspended by No. 70 until 2026-11-10; three groups
    (Xiamen Tungsten absorbed by China Rare Earth Group in 2023); a published 2024 list;
    2024 allocations (published) and an unpublished 2025 cycle; the UEL with two entries."""
    el = elements_create()
    no18 = measure_create(
        "mofcom-gacc-2025-18",
        "MOFCOM/GACC Announcement No. 18 of 2025 (medium and heavy rare earth items)",
        layers=["licence"],
        elements=[el[s] for s in ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"]],
        forms=SEPARATED,
        effective_from=dt.date(2025, 4, 4),
    )
    no57 = measure_create(
        "mofcom-gacc-2025-57",
        "MOFCOM/GACC Announcement No. 57 of 2025 (Ho, Er, Tm, Eu, Yb items)",
        layers=["licence"],
        elements=[el[s] for s in ["Ho", "Er", "Tm", "Eu", "Yb"]],
        forms=SEPARATED,
        effective_from=dt.date(2025, 11, 8),
    )
    no70 = measure_create(
        "mofcom-gacc-2025-70",
        "MOFCOM/GACC Announcement No. 70 of 2025 (suspension of Nos. 55-58, 61, 62)",
        layers=["suspension"],
        effective_from=dt.date(2025, 11, 7),
        effective_to=dt.date(2026, 11, 10),
    )
    suspension57 = Suspension.objects.create(
        measure=no57,
        suspended_by=no70,
        starts_on=dt.date(2025, 11, 7),
        ends_on=dt.date(2026, 11, 10),
    )
    northern = ProducerGroup.objects.create(key="northern", name="China Northern Rare Earth")
    creg = ProducerGroup.objects.create(key="creg", name="China Rare Earth Group")
    xiamen = ProducerGroup.objects.create(
        key="xiamen-tungsten",
        name="Xiamen Tungsten",
        successor=creg,
        absorbed_on=dt.date(2023, 1, 1),
    )
    northern_plant = Producer.objects.create(
        group=northern, kind="separation_plant", name_en="Baotou Separation Plant"
    )
    creg_plant = Producer.objects.create(
        group=creg, kind="separation_plant", name_en="Ganzhou Separation Plant"
    )
    xiamen_plant = Producer.objects.create(
        group=xiamen, kind="separation_plant", name_en="Longyan Separation Plant"
    )
    trader = Producer.objects.create(kind="trader", name_en="Shenzhen Trading Co")
    list_2024 = ApprovedListVersion.objects.create(
        label="Approved producers 2024",
        status="published",
        effective_from=dt.date(2024, 1, 1),
        published_at=timezone.now(),
    )
    for p in (northern_plant, creg_plant, xiamen_plant):
        ApprovedListEntry.objects.create(version=list_2024, producer=p, status="approved")
    cycle_2024 = QuotaCycle.objects.create(year=2024, published=True, confidence="official")
    batch_2024 = QuotaBatch.objects.create(cycle=cycle_2024, number=1)
    for group, kind, category, tonnes in [
        (northern, "mining", "light", 200000),
        (northern, "smelting", "light", 190000),
        (creg, "mining", "light", 10000),
        (creg, "smelting", "light", 10000),
        (creg, "mining", "ionic", 19150),
        (creg, "smelting", "ionic", 15000),
    ]:
        QuotaAllocation.objects.create(
            batch=batch_2024, group=group, kind=kind, category=category, tonnes=Decimal(tonnes)
        )
    cycle_2025 = QuotaCycle.objects.create(year=2025, published=False, confidence="reported")
    batch_2025 = QuotaBatch.objects.create(cycle=cycle_2025, number=1)
    for group, kind, category in [(northern, "smelting", "light"), (creg, "smelting", "ionic")]:
        QuotaAllocation.objects.create(
            batch=batch_2025, group=group, kind=kind, category=category, tonnes=None
        )
    for year in (2025, 2026):
        HolidayNotice.objects.create(year=year, title=f"{year} holidays")
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), kind="holiday", name="National Day")
    CalendarDay.objects.create(date=dt.date(2026, 10, 2), kind="holiday", name="National Day")
    CalendarDay.objects.create(date=dt.date(2026, 9, 27), kind="makeup_workday", name="Make-up")
    uel = WatchList.objects.create(
        key="uel",
        name="Unreliable Entity List",
        issuer="MOFCOM",
        version_date=dt.date(2025, 10, 9),
    )
    lockheed = WatchListEntry.objects.create(
        watch_list=uel, name="Lockheed Martin Corporation", aliases=["Lockheed Martin"]
    )
    skydio = WatchListEntry.objects.create(watch_list=uel, name="Skydio Inc.")
    WatchListEntry.objects.create(watch_list=uel, name="Removed Party GmbH", status="removed")
    return World(
        elements=el,
        no18=no18,
        no57=no57,
        no70=no70,
        suspension57=suspension57,
        northern=northern,
        creg=creg,
        xiamen=xiamen,
        northern_plant=northern_plant,
        creg_plant=creg_plant,
        xiamen_plant=xiamen_plant,
        trader=trader,
        list_2024=list_2024,
        cycle_2024=cycle_2024,
        batch_2024=batch_2024,
        cycle_2025=cycle_2025,
        uel=uel,
        lockheed=lockheed,
        skydio=skydio,
    )


_seq = itertools.count(1)


def case_create(
    owner,
    *,
    producer=None,
    elements=("Nd", "Pr"),
    form="magnet",
    ship=dt.date(2026, 3, 1),
    status="open",
    end_use="automotive",
    end_user="Acme Motors GmbH",
    consignee="",
    licence_status="not_applied",
    documents=(),
    evidence=("supplier_declaration", "invoice"),
    ore_category="",
    parties=(),
    **extra,
) -> Case:
    """A case written with the ORM. `producer` is the declared producer of the first
    edition: a separation plant or mine becomes one source of every element (with
    `evidence`), any other producer the exporter's registry record. `parties` adds
    (role, name) pairs beside the buyer, exporter, end user and consignee."""
    case = Case.objects.create(
        reference=f"LS-T-{next(_seq):05d}",
        buyer="Acme Magnets",
        exporter="Ningbo Exporter Co",
        product_form=form,
        quantity_kg=Decimal("1000"),
        destination=extra.pop("destination", "DE"),
        end_use=end_use,
        end_user=end_user,
        consignee=consignee,
        planned_ship_date=ship,
        licence_status=licence_status,
        owner=owner,
        created_by=owner,
        status=status,
        **extra,
    )
    for symbol in elements:
        CaseElement.objects.create(case=case, element_id=symbol)
    upstream = producer is not None and producer.kind in ("mine", "separation_plant")
    named = [
        ("buyer", case.buyer),
        ("exporter", case.exporter),
        ("end_user", case.end_user),
        ("consignee", case.consignee),
        *parties,
    ]
    for position, (role, name) in enumerate(named):
        if name:
            record = producer if role == "exporter" and producer and not upstream else None
            CaseParty.objects.create(
                case=case, role=role, name=name, producer=record, position=position
            )
    if upstream and elements:
        CaseSource.objects.create(
            case=case,
            label="".join(elements),
            elements=list(elements),
            producer=producer,
            ore_category=ore_category,
            evidence=list(evidence),
        )
    for doc_type in documents:
        Document.objects.create(case=case, doc_type=doc_type, uploaded_by=owner)
    return case


def change_create(kind="measure", summary="test change", **keys) -> ReferenceChange:
    return ReferenceChange.objects.create(kind=kind, summary=summary, **keys)

"""Rows the API tests need, created with the ORM (reference data) or the services (cases).

A fresh test database has no elements: `elements_create()` loads the 17 rare earths.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from registry.loading import load_elements as elements_create
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    Suspension,
    WatchList,
    WatchListEntry,
)
from registry.validators import uscc_check_char
from shipments import services
from shipments.models import Case

# symbol, name, atomic number, family, quota category, control code (No. 18 of 2025)

_seq = itertools.count(1)


def group_create(**extra) -> ProducerGroup:
    n = next(_seq)
    return ProducerGroup.objects.create(
        key=extra.pop("key", f"group-{n}"), name=extra.pop("name", f"Group {n}"), **extra
    )


def producer_create(*, group: ProducerGroup | None = None, **extra) -> Producer:
    n = next(_seq)
    return Producer.objects.create(
        group=group,
        kind=extra.pop("kind", "separation_plant"),
        name_en=extra.pop("name_en", f"Producer {n}"),
        **extra,
    )


def list_version_create(
    *, entries: list[tuple[Producer, str]], effective_from=dt.date(2024, 1, 1), published=True
) -> ApprovedListVersion:
    n = next(_seq)
    version = ApprovedListVersion.objects.create(
        label=f"List {n}",
        effective_from=effective_from,
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
    )
    for producer, status in entries:
        ApprovedListEntry.objects.create(version=version, producer=producer, status=status)
    return version


def quota_cycle_create(*, year: int, group: ProducerGroup, published=True) -> QuotaCycle:
    cycle = QuotaCycle.objects.create(
        year=year,
        published=published,
        mining_total=Decimal("270000"),
        smelting_total=Decimal("254000"),
    )
    batch = QuotaBatch.objects.create(cycle=cycle, number=1, issued_on=dt.date(year, 2, 1))
    for category in ("light", "ionic"):
        for kind in ("mining", "smelting"):
            QuotaAllocation.objects.create(
                batch=batch, group=group, kind=kind, category=category, tonnes=Decimal("1000")
            )
    return cycle


def measure_create(key: str = "", **extra) -> Measure:
    key = key or f"measure-{next(_seq)}"
    elements = extra.pop("elements", ())
    measure = Measure.objects.create(
        key=key,
        title=extra.pop("title", f"Measure {key}"),
        layers=extra.pop("layers", ["licence"]),
        forms=extra.pop("forms", []),
        effective_from=extra.pop("effective_from", dt.date(2025, 4, 4)),
        **extra,
    )
    if elements:
        measure.elements.set(elements)
    return measure


def suspension_create(*, measure: Measure, **extra) -> Suspension:
    return Suspension.objects.create(
        measure=measure,
        starts_on=extra.pop("starts_on", dt.date(2025, 11, 10)),
        ends_on=extra.pop("ends_on", dt.date(2026, 11, 10)),
        **extra,
    )


def watch_list_create(**extra) -> WatchList:
    n = next(_seq)
    return WatchList.objects.create(
        key=extra.pop("key", f"list-{n}"),
        name=extra.pop("name", f"Watch list {n}"),
        issuer=extra.pop("issuer", "MOFCOM"),
        version_date=extra.pop("version_date", dt.date(2025, 10, 9)),
        **extra,
    )


def watch_entry_create(*, watch_list: WatchList, name: str, **extra) -> WatchListEntry:
    return WatchListEntry.objects.create(watch_list=watch_list, name=name, **extra)


def reference_world() -> dict:
    """Elements, a group with one approved producer, a published list, a 2026 quota cycle,
    a licence measure on Dy/Tb with a suspension, and a watch list."""
    elements = elements_create()
    group = group_create(name="China Rare Earth Group")
    producer = producer_create(group=group, name_en="Ganzhou Separation Co.")
    version = list_version_create(entries=[(producer, "approved")])
    cycle = quota_cycle_create(year=2026, group=group)
    measure = measure_create(
        key="mofcom-2025-18",
        elements=[elements["Dy"], elements["Tb"]],
        forms=["oxide", "metal", "magnet"],
    )
    watch_list = watch_list_create(key="uel", name="Unreliable Entity List")
    watch_entry_create(watch_list=watch_list, name="Acme Defence Systems")
    return {
        "elements": elements,
        "group": group,
        "producer": producer,
        "version": version,
        "cycle": cycle,
        "measure": measure,
        "watch_list": watch_list,
    }


def case_payload(**overrides) -> dict:
    """A valid JSON body for POST /api/v1/cases/."""
    data = {
        "reference": f"PO-{next(_seq):05d}",
        "buyer": "Magnetics GmbH",
        "exporter": "Ganzhou Trading Ltd",
        "product_form": "oxide",
        "elements": [{"symbol": "Nd", "content_share": "30.00"}, {"symbol": "Dy"}],
        "quantity_kg": "1200.000",
        "destination": "DE",
        "end_use": "automotive",
        "end_user": "Motorwerke AG",
        "planned_ship_date": "2026-06-15",
        "licence_status": "applied",
        "licence_applied_on": "2026-03-01",
    }
    data.update(overrides)
    return data


def evidenced_source(producer: Producer, elements: list[str], **extra) -> dict:
    """A source row (as the API and the service take it) with the evidence the method needs
    to call it known: a supplier declaration and an invoice."""
    return {
        "elements": elements,
        "producer": producer.pk,
        "ore_category": extra.pop("ore_category", "ionic"),
        "evidence": extra.pop("evidence", ["supplier_declaration", "invoice"]),
        **extra,
    }


def uscc_make(stem: str = "91360700MA00000") -> str:
    """A Unified Social Credit Code with a valid check character (made up: 17 characters
    from `stem`, padded with zeros)."""
    body = (stem + "0" * 17)[:17]
    return body + uscc_check_char(body)


def lei_make(stem: str = "529900LODESTONE0TE") -> str:
    """A Legal Entity Identifier with valid check digits (ISO 7064 MOD 97-10; made up)."""
    body = (stem + "0" * 18)[:18]
    number = int("".join(str(int(c, 36)) for c in body) + "00")
    return f"{body}{98 - number % 97:02d}"


def magnet_world(world: dict) -> dict:
    """Next to reference_world: a China Northern plant (Baotou Huamei) on the published list,
    its group holding light and ionic allocations in the 2026 cycle, and a magnet maker
    (JL Mag) that is no plant. The CREG plant is world["producer"]."""
    northern = group_create(name="China Northern Rare Earth Group")
    huamei = producer_create(group=northern, name_en="Baotou Huamei Rare Earth Hi-Tech")
    ApprovedListEntry.objects.create(version=world["version"], producer=huamei, status="approved")
    batch = world["cycle"].batches.get()
    for category in ("light", "ionic"):
        for kind in ("mining", "smelting"):
            QuotaAllocation.objects.create(
                batch=batch, group=northern, kind=kind, category=category, tonnes=Decimal("500")
            )
    jl_mag = producer_create(kind="magnet_maker", name_en="JL Mag Rare-Earth")
    return {
        "northern": northern,
        "huamei": huamei,
        "creg_plant": world["producer"],
        "jl_mag": jl_mag,
    }


def magnet_payload(magnets: dict, **overrides) -> dict:
    """A Tb-NdFeB magnet case: NdPr from Baotou Huamei, Tb from the CREG plant, both
    evidenced; exporter JL Mag (its registry record), buyer and end user."""
    data = case_payload(
        product_form="magnet",
        elements=[
            {"symbol": "Nd", "content_share": "24.00"},
            {"symbol": "Pr", "content_share": "6.00"},
            {"symbol": "Tb", "content_share": "1.00"},
        ],
        buyer="",
        exporter="",
        end_user="",
        parties=[
            {"role": "buyer", "name": "Magnetics GmbH", "country": "DE"},
            {
                "role": "exporter",
                "name": "JL Mag Rare-Earth Co., Ltd.",
                "country": "CN",
                "uscc": uscc_make(),
                "producer": magnets["jl_mag"].pk,
            },
            {
                "role": "end_user",
                "name": "Motorwerke AG",
                "country": "DE",
                "lei": lei_make(),
            },
        ],
        sources=[
            evidenced_source(
                magnets["huamei"],
                ["Nd", "Pr"],
                label="NdPr",
                ore_category="light",
                production_year=2026,
            ),
            evidenced_source(magnets["creg_plant"], ["Tb"], label="Tb", production_year=2026),
        ],
    )
    for name in ("buyer", "exporter", "end_user"):
        del data[name]  # given as parties
    data.update(overrides)
    return data


def case_create(*, actor, producer: Producer | None = None, **overrides) -> Case:
    """A case opened through the service (so it is assessed like any other). `producer` is
    the deprecated shorthand (a plant becomes a source of every element). Takes the API's
    body (magnet_payload's too: with `parties`, names not given come from them)."""
    data = case_payload(**overrides)
    if overrides.get("parties"):
        for name in ("buyer", "exporter", "end_user"):
            data[name] = overrides.get(name, "")
    elements = {e["symbol"]: e.get("content_share") for e in data.pop("elements")}
    for name in ("planned_ship_date", "licence_applied_on"):
        if isinstance(data.get(name), str):
            data[name] = dt.date.fromisoformat(data[name])
    return services.case_create(actor=actor, producer=producer, elements=elements, **data)

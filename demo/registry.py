"""Invented registry data for the demo (is_demo=True everywhere), built on the real reference
data (run load_reference_data first). Idempotent: rows are matched by natural keys.

Writes go straight to the models: the demo is an initial state, not a change to re-score.

The demo's own approved lists (2024, 2025, 2026) are the lists in force on every date the
demo book uses. Each starts from the shipped reported list (the real group plants, so a case
sourcing from Baotou Huamei is judged on them) and adds the invented plants; they are
published at load time, after the shipped list, so "Demo list 2024" wins the tie on
2024-01-01 (registry.selectors.list_version_in_force: latest effective date, then latest
published). Their confidence is "reported": most entries come from the reported list, and
none is MIIT's own.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from registry.choices import (
    Confidence,
    FacilityKind,
    ListEntryStatus,
    ListVersionStatus,
    QuotaCategory,
    QuotaConfidence,
    QuotaKind,
    WatchEntryStatus,
)
from registry.loading import REPORTED_LIST_LABEL
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Producer,
    ProducerGroup,
    QuotaCycle,
    QuotaUtilisation,
    WatchList,
    WatchListEntry,
)
from registry.validators import uscc_check_char


def demo_uscc(body17: str) -> str:
    """A well-formed USCC for an invented company (valid check character); "O" (not in the
    USCC alphabet) is read as zero, so bodies may spell DEMO."""
    body = body17.replace("O", "0")
    return body + uscc_check_char(body)


# (key, name_en, name_zh, kind, group key or None, province, 17-char USCC body)
DEMO_PRODUCERS = [
    ("north-sep-1", "Baotou Demo Rare Earth Separation Plant No. 1", "包头演示稀土分离一厂",
     FacilityKind.SEPARATION_PLANT, "china-northern", "Inner Mongolia", "91150200MA0DEMO01"),
    ("north-sep-2", "Baotou Demo Rare Earth Separation Plant No. 2", "包头演示稀土分离二厂",
     FacilityKind.SEPARATION_PLANT, "china-northern", "Inner Mongolia", "91150200MA0DEMO02"),
    ("north-metal", "Inner Mongolia Demo RE Metals", "内蒙古演示稀土金属",
     FacilityKind.METAL_SMELTER, "china-northern", "Inner Mongolia", "91150200MA0DEMO03"),
    ("creg-ganzhou", "Ganzhou Demo Ionic Separation Co.", "赣州演示离子型稀土分离",
     FacilityKind.SEPARATION_PLANT, "china-rare-earth-group", "Jiangxi", "91360700MA3DEMO04"),
    ("creg-longyan", "Longyan Demo Separation Plant (formerly Xiamen Tungsten)",
     "龙岩演示稀土分离厂", FacilityKind.SEPARATION_PLANT, "china-rare-earth-group", "Fujian",
     "91350800MA2DEMO05"),
    ("creg-mine", "Ganzhou Demo Ion-Adsorption Mine", "赣州演示离子矿",
     FacilityKind.MINE, "china-rare-earth-group", "Jiangxi", "91360700MA3DEMO06"),
    ("magnet", "Ningbo Demo Magnetics Co.", "宁波演示磁材",
     FacilityKind.MAGNET_MAKER, None, "Zhejiang", "91330200MA2DEMO07"),
    ("trader", "Shanghai Demo Rare Earth Trading Co.", "上海演示稀土贸易",
     FacilityKind.TRADER, None, "Shanghai", "91310000MA1DEMO08"),
    # Magnet makers are exporters, not quota holders: groupless, never on the separation list.
    ("magnet-ganzhou", "Ganzhou Demo Magnet Materials Co.", "赣州演示磁性材料",
     FacilityKind.MAGNET_MAKER, None, "Jiangxi", "91360700MA3DEMO09"),
    ("magnet-baotou", "Baotou Demo Permanent Magnet Co.", "包头演示永磁",
     FacilityKind.MAGNET_MAKER, None, "Inner Mongolia", "91150200MA0DEMO10"),
]  # fmt: skip


def _producers() -> dict[str, Producer]:
    groups = {g.key: g for g in ProducerGroup.objects.all()}
    out = {}
    for key, name_en, name_zh, kind, group_key, province, body in DEMO_PRODUCERS:
        uscc = demo_uscc(body)
        out[key], _ = Producer.objects.update_or_create(
            uscc=uscc,
            defaults={
                "name_en": name_en,
                "name_zh": name_zh,
                "kind": kind,
                "group": groups.get(group_key) if group_key else None,
                "province": province,
                "confidence": Confidence.CONFIRMED,
                "is_demo": True,
                "notes": "Invented for the demo.",
            },
        )
    return out


def _reported_entries() -> dict[Producer, tuple[str, str]]:
    """The shipped reported list's entries (empty when the install has no such list)."""
    version = ApprovedListVersion.objects.filter(
        label=REPORTED_LIST_LABEL, status=ListVersionStatus.PUBLISHED
    ).first()
    if version is None:
        return {}
    return {
        entry.producer: (entry.status, entry.note)
        for entry in version.entries.select_related("producer")
    }


def _version(label: str, effective_from: date, status: str, entries: dict, notes: str):
    version, _ = ApprovedListVersion.objects.get_or_create(
        label=label,
        defaults={
            "effective_from": effective_from,
            "confidence": QuotaConfidence.REPORTED,
            "is_demo": True,
            "notes": notes,
        },
    )
    if not version.is_published:
        for producer, (entry_status, note) in entries.items():
            ApprovedListEntry.objects.update_or_create(
                version=version, producer=producer, defaults={"status": entry_status, "note": note}
            )
        if status == ListVersionStatus.PUBLISHED:
            # Published now, as approved_list_publish does (not back-dated to the effective
            # date): a later publication wins a tie of effective dates, so this list, not the
            # shipped reported one published at install, is in force from its date.
            version.status = ListVersionStatus.PUBLISHED
            version.published_at = timezone.now()
            version.save()
    return version


@transaction.atomic
def load_registry_demo() -> dict[str, int]:
    p = _producers()
    ok = (ListEntryStatus.APPROVED, "")
    real = _reported_entries()  # the real plants: approved on every demo list
    _version(
        "Demo list 2024",
        date(2024, 1, 1),
        ListVersionStatus.PUBLISHED,
        {
            **real,
            p["north-sep-1"]: ok, p["north-metal"]: ok, p["creg-ganzhou"]: ok, p["creg-mine"]: ok,
        },
        "Invented for the demo: the reported plants and the demo plants in force when the "
        "2024 quotas were published.",
    )  # fmt: skip
    _version(
        "Demo list 2025",
        date(2025, 1, 1),
        ListVersionStatus.PUBLISHED,
        {
            **real,
            p["north-sep-1"]: ok, p["north-sep-2"]: ok, p["north-metal"]: ok,
            p["creg-ganzhou"]: ok, p["creg-longyan"]: ok, p["creg-mine"]: ok,
        },
        "Invented for the demo: every group plant approved.",
    )  # fmt: skip
    _version(
        "Demo list 2026",
        date(2026, 1, 1),
        ListVersionStatus.PUBLISHED,
        {
            **real,
            p["north-sep-1"]: ok,
            p["north-sep-2"]: (ListEntryStatus.SUSPENDED, "Suspended pending an emissions audit"),
            p["north-metal"]: ok,
            p["creg-ganzhou"]: ok,
            p["creg-longyan"]: (ListEntryStatus.REMOVED, "Capacity below 2,000 t REO/yr"),
            p["creg-mine"]: ok,
        },
        "Invented for the demo: one plant suspended, one removed.",
    )
    _version(
        "Demo list 2027 (draft)",
        date(2027, 1, 1),
        ListVersionStatus.DRAFT,
        {
            **real,
            p["north-sep-1"]: ok,
            p["north-sep-2"]: ok,
            p["north-metal"]: ok,
            p["creg-ganzhou"]: ok,
            p["creg-mine"]: ok,
        },
        "Invented for the demo: a draft nobody has published yet.",
    )
    _utilisation()
    _watch_list()
    return {
        "producers": Producer.objects.filter(is_demo=True).count(),
        "list_versions": ApprovedListVersion.objects.filter(is_demo=True).count(),
        "watch_entries": WatchListEntry.objects.filter(is_demo=True).count(),
    }


def _utilisation() -> None:
    cycle = QuotaCycle.objects.filter(year=2024).first()
    if cycle is None:
        return
    groups = {
        g.key: g
        for g in ProducerGroup.objects.filter(key__in=["china-northern", "china-rare-earth-group"])
    }
    if len(groups) < 2:
        return
    rows = [
        # Northern used 95% of its batch-1 smelting allocation (88,010 t).
        (groups["china-northern"], QuotaKind.SMELTING, QuotaCategory.TOTAL, Decimal("83610")),
        (
            groups["china-rare-earth-group"],
            QuotaKind.SMELTING,
            QuotaCategory.TOTAL,
            Decimal("23400"),
        ),
        (groups["china-rare-earth-group"], QuotaKind.MINING, QuotaCategory.IONIC, Decimal("6100")),
    ]
    for group, kind, category, used in rows:
        QuotaUtilisation.objects.update_or_create(
            cycle=cycle,
            group=group,
            kind=kind,
            category=category,
            reported_on=date(2024, 10, 31),
            defaults={"tonnes_used": used, "source": "Demo figure, invented."},
        )


def _watch_list() -> None:
    wl, _ = WatchList.objects.update_or_create(
        key="demo-screening",
        defaults={
            "name": "Demo screening list",
            "issuer": "Lodestone demo",
            "jurisdiction": "CN",
            "version_date": date(2026, 6, 30),
            "effect": "Invented for the demo: parties a compliance team wants reviewed.",
        },
    )
    for name, aliases, country, status, until in DEMO_WATCH_ENTRIES:
        WatchListEntry.objects.update_or_create(
            watch_list=wl,
            name=name,
            defaults={
                "aliases": aliases,
                "country": country,
                "status": status,
                "suspended_until": until,
                "date_added": date(2026, 3, 1),
                "announcement": "Demo notice 1",
                "confidence": Confidence.CONFIRMED,
                "is_demo": True,
                "source": "Invented for the demo.",
            },
        )


# (name, aliases, country, status, suspended until) on the demo screening list.
DEMO_WATCH_ENTRIES = [
    ("Nordwind Defence Systems GmbH", ["Nordwind Defense Systems"], "DE",
     WatchEntryStatus.ACTIVE, None),
    ("Aurora Precision Guidance Ltd", ["Aurora Guidance"], "US", WatchEntryStatus.ACTIVE, None),
    ("Kestrel Avionics Inc.", [], "US", WatchEntryStatus.SUSPENDED, date(2026, 11, 10)),
    # A freight forwarder: screening reaches intermediaries, not only the end user.
    ("Caspian Bridge Logistics FZE", ["Caspian Bridge Logistics"], "AE",
     WatchEntryStatus.ACTIVE, None),
]  # fmt: skip

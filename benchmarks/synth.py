"""A synthetic but realistic Lodestone data set, built with bulk_create at any scale.

Reference data comes from `load_reference_data` when the registry has it, else from the few
rows below; on top of it go producers across groups, a published approved list, quota
allocations, watch lists, officers, and cases with 1-3 elements, documents, a timeline and a
first assessment (cloned from assessments made by the real path, so the JSON sizes are real).

Everything is seeded: the same arguments give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import OFFICER
from assessments.models import Assessment
from core.db import bulk_create_json
from registry.choices import ListVersionStatus, QuotaCategory, QuotaKind
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Element,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    WatchList,
    WatchListEntry,
)
from shipments.models import Case, CaseElement, CaseParty, CaseSource, Document, TimelineEvent

BATCH = 5000
PREFIX = "BENCH-"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - loopback benchmark accounts only

# symbol, name, atomic number, family, quota category
ELEMENTS = (
    ("La", "Lanthanum", 57, "light", "light"),
    ("Ce", "Cerium", 58, "light", "light"),
    ("Pr", "Praseodymium", 59, "light", "light"),
    ("Nd", "Neodymium", 60, "light", "light"),
    ("Pm", "Promethium", 61, "light", "none"),
    ("Sm", "Samarium", 62, "medium", "ionic"),
    ("Eu", "Europium", 63, "medium", "ionic"),
    ("Gd", "Gadolinium", 64, "medium", "ionic"),
    ("Tb", "Terbium", 65, "heavy", "ionic"),
    ("Dy", "Dysprosium", 66, "heavy", "ionic"),
    ("Ho", "Holmium", 67, "heavy", "ionic"),
    ("Er", "Erbium", 68, "heavy", "ionic"),
    ("Tm", "Thulium", 69, "heavy", "ionic"),
    ("Yb", "Ytterbium", 70, "heavy", "ionic"),
    ("Lu", "Lutetium", 71, "heavy", "ionic"),
    ("Y", "Yttrium", 39, "heavy", "ionic"),
    ("Sc", "Scandium", 21, "other", "none"),
)
# How often each element appears in a shipment (magnet supply chains dominate).
ELEMENT_WEIGHTS = {"Nd": 30, "Pr": 18, "Dy": 14, "Tb": 10, "Ce": 6, "La": 6, "Sm": 5, "Gd": 4}
FORM_WEIGHTS = {"oxide": 28, "metal": 18, "magnet": 26, "alloy": 10, "compound": 10, "ore": 4}
FORM_WEIGHTS |= {"target": 2, "technology": 1, "equipment": 1}
LICENCE_WEIGHTS = {
    "not_required": 8,
    "not_applied": 24,
    "applied": 32,
    "granted": 24,
    "denied": 4,
    "expired": 8,
}
STATUS_WEIGHTS = {"open": 70, "on_hold": 10, "cleared": 10, "closed": 10}
END_USE_WEIGHTS = {
    "automotive": 30,
    "wind": 12,
    "consumer_electronics": 18,
    "industrial": 18,
    "medical": 5,
    "research": 4,
    "aerospace": 4,
    "semiconductors": 5,
    "defence": 1,
    "other": 3,
}
DESTINATIONS = ("DE", "JP", "KR", "US", "FR", "IT", "NL", "GB", "VN", "IN", "MX", "PL", "SE")
HS_CODES = ("2805301100", "2805301200", "2805301300", "2846901920", "2846901999", "")
DOC_TYPES = (
    "application_form",
    "contract",
    "technical_description",
    "end_user_certificate",
    "end_use_certificate",
    "end_user_description",
    "no_retransfer_assurance",
    "identity_documents",
)
WORDS = [
    "Alpine",
    "Baltic",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nordic",
    "Orion",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tundra",
    "Umbra",
    "Vector",
    "Westfield",
    "Xenon",
    "Yardley",
    "Zenith",
    "Apex",
    "Beacon",
    "Crescent",
    "Dynamo",
    "Equinox",
    "Falcon",
    "Glacier",
    "Horizon",
    "Ironwood",
    "Jasper",
]
SUFFIXES = ("GmbH", "Ltd", "Inc.", "S.A.", "K.K.", "B.V.", "AB", "S.p.A.", "Co., Ltd", "plc")


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _company(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}"


def _chunks(seq: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


@dataclass
class World:
    """The reference rows the cases hang on (ids only, so it survives across steps)."""

    officer_ids: list[int] = field(default_factory=list)
    producer_ids: list[int] = field(default_factory=list)
    upstream_ids: set[int] = field(default_factory=set)  # mines and separation plants
    group_ids: list[int] = field(default_factory=list)
    watch_names: list[str] = field(default_factory=list)
    list_version_id: int | None = None
    reference_source: str = ""


def wipe() -> None:
    """Remove every case, assessment and reference change (the benchmark's own database)."""
    tables = [m._meta.db_table for m in (Assessment, TimelineEvent, Document, CaseElement, Case)]
    from registry.models import ReferenceChange

    tables.append(ReferenceChange._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            _wipe_bench_reference()
            return
    with transaction.atomic():
        Case.objects.update(latest_assessment=None)
        Assessment.objects.update(previous=None)
        for model in (Assessment, TimelineEvent, Document, CaseElement):
            model.objects.all().delete()
        Case.watchers.through.objects.all().delete()
        Case.objects.all().delete()
        ReferenceChange.objects.all().delete()
        _wipe_bench_reference()


def _wipe_bench_reference() -> None:
    """Undo what earlier runs' steps 3 and 6 changed: list versions they published and the
    allocations they halved (rebuilt from the seed by build_reference)."""
    ApprovedListVersion.objects.filter(label__startswith="Bench list ").exclude(
        label="Bench list 1"
    ).delete()
    QuotaAllocation.objects.filter(group__key__startswith="bench-group-").delete()


def _minimal_reference(today: dt.date) -> None:
    for symbol, name, z, family, category in ELEMENTS:
        Element.objects.get_or_create(
            symbol=symbol,
            defaults={
                "name": name,
                "atomic_number": z,
                "family": family,
                "quota_category": category,
            },
        )
    measure, created = Measure.objects.get_or_create(
        key="bench-medium-heavy-licence",
        defaults={
            "title": "Export control on medium and heavy rare earth items (benchmark row)",
            "layers": ["licence"],
            "forms": ["oxide", "compound", "metal", "alloy", "target", "magnet"],
            "effective_from": dt.date(2025, 4, 4),
            "is_demo": True,
        },
    )
    if created:
        measure.elements.set(["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"])


def build_reference(*, seed: int, today: dt.date | None = None) -> World:
    """Reference data plus the benchmark's producers, list, quotas, watch list and officers."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    world = World()
    if "load_reference_data" in get_commands():
        call_command("load_reference_data", verbosity=0)
        world.reference_source = "load_reference_data"
    else:
        _minimal_reference(today)
        world.reference_source = "minimal rows (registry has no load_reference_data yet)"

    # Officers who own cases; one password hash shared so that setup stays fast.
    user_model = get_user_model()
    group = Group.objects.get(name=OFFICER)
    password = make_password(BENCH_PASSWORD)
    for i in range(10):
        user, _ = user_model.objects.get_or_create(
            username=f"bench-officer-{i}",
            defaults={"email": f"bench{i}@example.test", "password": password},
        )
        user.groups.add(group)
        world.officer_ids.append(user.pk)

    # Producer groups and producers (10% of producers stand outside any group).
    groups = []
    for i in range(12):
        g, _ = ProducerGroup.objects.get_or_create(
            key=f"bench-group-{i}", defaults={"name": f"Bench Rare Earth Group {i}"}
        )
        groups.append(g)
    world.group_ids = [g.pk for g in groups]
    existing = set(
        Producer.objects.filter(name_en__startswith="Bench producer ").values_list(
            "name_en", flat=True
        )
    )
    kinds = ("mine", "separation_plant", "metal_smelter", "magnet_maker", "trader")
    new = [
        Producer(
            group=None if rng.random() < 0.1 else rng.choice(groups),
            kind=rng.choice(kinds),
            name_en=f"Bench producer {i:03d}",
            province=rng.choice(("Inner Mongolia", "Jiangxi", "Sichuan", "Fujian", "Guangdong")),
            is_demo=True,
        )
        for i in range(300)
        if f"Bench producer {i:03d}" not in existing
    ]
    Producer.objects.bulk_create(new)
    world.producer_ids = list(
        Producer.objects.filter(name_en__startswith="Bench producer ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    world.upstream_ids = set(
        Producer.objects.filter(
            name_en__startswith="Bench producer ", kind__in=("mine", "separation_plant")
        ).values_list("pk", flat=True)
    )

    # A published approved list covering 80% of them.
    version = ApprovedListVersion.objects.filter(label="Bench list 1").first()
    if version is None:
        version = ApprovedListVersion.objects.create(
            label="Bench list 1",
            status=ListVersionStatus.PUBLISHED,
            effective_from=dt.date(2025, 1, 1),
            published_at=timezone.now(),
            is_demo=True,
        )
        entries = []
        for pid in world.producer_ids:
            if rng.random() < 0.8:
                status = _weighted(rng, {"approved": 90, "suspended": 5, "removed": 5})
                entries.append(ApprovedListEntry(version=version, producer_id=pid, status=status))
        ApprovedListEntry.objects.bulk_create(entries)
    world.list_version_id = version.pk

    # Quota allocations for this year and last.
    for year in (today.year - 1, today.year):
        cycle, _ = QuotaCycle.objects.get_or_create(
            year=year, defaults={"published": year < today.year}
        )
        batch, _ = QuotaBatch.objects.get_or_create(
            cycle=cycle, number=1, defaults={"issued_on": dt.date(year, 2, 1)}
        )
        rows = [
            QuotaAllocation(
                batch=batch,
                group=g,
                kind=kind,
                category=category,
                tonnes=None if rng.random() < 0.2 else Decimal(rng.randint(500, 60000)),
            )
            for g in groups
            for kind in (QuotaKind.MINING, QuotaKind.SMELTING)
            for category in (QuotaCategory.LIGHT, QuotaCategory.IONIC)
        ]
        QuotaAllocation.objects.bulk_create(rows, ignore_conflicts=True)

    # A watch list of 300 parties; about 1% of end users resemble one of them.
    wl, created = WatchList.objects.get_or_create(
        key="bench-uel",
        defaults={"name": "Bench party list", "issuer": "Benchmark", "version_date": today},
    )
    if created:
        WatchListEntry.objects.bulk_create(
            WatchListEntry(
                watch_list=wl,
                name=_company(rng) + f" {i}",
                country=rng.choice(DESTINATIONS),
                is_demo=True,
            )
            for i in range(300)
        )
    world.watch_names = list(wl.entries.values_list("name", flat=True))
    return world


def _case_rows(
    world: World, rng: random.Random, start: int, stop: int, today: dt.date
) -> tuple[list[Case], list[list[tuple[str, Decimal | None]]], list[list[tuple]], list[tuple]]:
    cases, elements, documents, sources = [], [], [], []
    symbols = tuple(ELEMENT_WEIGHTS)
    for i in range(start, stop):
        form = _weighted(rng, FORM_WEIGHTS)
        licence = _weighted(rng, LICENCE_WEIGHTS)
        ship = None if rng.random() < 0.1 else today + dt.timedelta(days=rng.randint(-30, 180))
        applied_on = valid_until = None
        number = ""
        if licence in ("applied", "granted", "denied", "expired"):
            applied_on = today - dt.timedelta(days=rng.randint(1, 120))
        if licence in ("granted", "expired"):
            number = f"LIC-{rng.randint(100000, 999999)}"
            valid_until = today + dt.timedelta(
                days=rng.randint(-60, -1) if licence == "expired" else rng.randint(30, 365)
            )
        producer_id = None if rng.random() < 0.15 else rng.choice(world.producer_ids)
        end_user = (
            rng.choice(world.watch_names)
            if world.watch_names and rng.random() < 0.01
            else _company(rng)
        )
        owner = rng.choice(world.officer_ids)
        cases.append(
            Case(
                reference=f"{PREFIX}{i:07d}",
                buyer=_company(rng),
                exporter=f"{rng.choice(WORDS)} Rare Earth Trading Co., Ltd",
                supplier_text="" if producer_id else "Supplier did not name the smelter",
                product_form=form,
                hs_code=rng.choice(HS_CODES),
                quantity_kg=Decimal(rng.randint(1, 200000)) / 10,
                destination=rng.choice(DESTINATIONS),
                end_use=_weighted(rng, END_USE_WEIGHTS),
                end_user=end_user,
                consignee="" if rng.random() < 0.5 else _company(rng),
                planned_ship_date=ship,
                licence_status=licence,
                licence_number=number,
                licence_applied_on=applied_on,
                licence_valid_until=valid_until,
                general_licence=rng.random() < 0.05,
                owner_id=owner,
                created_by_id=owner,
                status=_weighted(rng, STATUS_WEIGHTS),
            )
        )
        k = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
        picked = []
        while len(picked) < k:
            s = rng.choices(symbols, weights=tuple(ELEMENT_WEIGHTS.values()))[0]
            if s not in picked:
                picked.append(s)
        elements.append(
            [(s, None if rng.random() < 0.3 else Decimal(rng.randint(1, 99))) for s in picked]
        )
        # The upstream plant supplies every element; most suppliers evidence it.
        evidence = ["supplier_declaration", "invoice"] if rng.random() < 0.8 else []
        sources.append((producer_id, list(picked), evidence))
        docs = rng.sample(DOC_TYPES, rng.choices((0, 1, 2, 3, 5), weights=(20, 20, 25, 20, 15))[0])
        documents.append(
            [
                (
                    d,
                    _weighted(rng, {"provided": 60, "verified": 35, "rejected": 5}),
                    today + dt.timedelta(days=rng.randint(-30, 400))
                    if rng.random() < 0.3
                    else None,
                    owner,
                )
                for d in docs
            ]
        )
    return cases, elements, documents, sources


PARTY_COLUMNS = (("buyer", "buyer"), ("exporter", "exporter"), ("end_user", "end_user"))


def _parties(case: Case, producer_id: int | None, world: World) -> list[CaseParty]:
    """The headline parties; a declared maker or trader is the exporter's registry record."""
    record = producer_id if producer_id and producer_id not in world.upstream_ids else None
    rows = [
        CaseParty(
            case_id=case.pk,
            role=role,
            name=getattr(case, column),
            position=i,
            producer_id=record if role == "exporter" else None,
        )
        for i, (role, column) in enumerate(PARTY_COLUMNS)
    ]
    if case.consignee:
        rows.append(CaseParty(case_id=case.pk, role="consignee", name=case.consignee, position=3))
    return rows


def extend_cases(world: World, *, to: int, seed: int, today: dt.date | None = None) -> list[int]:
    """Add benchmark cases until there are `to` of them; returns the new cases' ids."""
    today = today or timezone.localdate()
    have = Case.objects.filter(reference__startswith=PREFIX).count()
    new_ids: list[int] = []
    for start in range(have, to, BATCH):
        stop = min(start + BATCH, to)
        rng = random.Random(seed * 1_000_003 + start)
        cases, elements, documents, sources = _case_rows(world, rng, start, stop, today)
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            CaseElement.objects.bulk_create(
                CaseElement(case_id=c.pk, element_id=s, content_share=share)
                for c, els in zip(cases, elements, strict=True)
                for s, share in els
            )
            CaseParty.objects.bulk_create(
                p
                for c, (producer_id, _, _) in zip(cases, sources, strict=True)
                for p in _parties(c, producer_id, world)
            )
            CaseSource.objects.bulk_create(
                CaseSource(
                    case_id=c.pk,
                    label="".join(symbols)[:20],
                    elements=symbols,
                    producer_id=producer_id,
                    evidence=evidence,
                )
                for c, (producer_id, symbols, evidence) in zip(cases, sources, strict=True)
                if producer_id in world.upstream_ids
            )
            Document.objects.bulk_create(
                Document(case_id=c.pk, doc_type=d, status=st, expires_on=exp, uploaded_by_id=u)
                for c, docs in zip(cases, documents, strict=True)
                for d, st, exp, u in docs
            )
            TimelineEvent.objects.bulk_create(
                TimelineEvent(
                    case_id=c.pk, kind="created", actor_id=c.owner_id, summary="Case created"
                )
                for c in cases
            )
        new_ids.extend(c.pk for c in cases)
    return new_ids


@dataclass(frozen=True)
class Payload:
    """The JSON columns of one assessment, used as a template for cloned rows."""

    band: str
    score: int
    method_version: str
    factors: object
    versions: object
    inputs: object  # the row's part (assessments.snapshots)
    inputs_hash: str
    reference_part_id: int | None = None  # the shared reference part, stored once
    outcome_hash: str = ""


def payload_templates(limit: int = 64) -> list[Payload]:
    """Payloads of assessments the real path wrote (latest first), as cloning templates."""
    rows = Assessment.objects.exclude(inputs_hash="").order_by("-pk")[:limit]
    return [
        Payload(
            r.band,
            r.score,
            r.method_version,
            r.factors,
            r.versions,
            r.inputs,
            r.inputs_hash,
            r.reference_part_id,
            r.outcome_hash,
        )
        for r in rows
    ]


def fallback_payload() -> Payload:
    """A payload from the pure method on a typical case, for before the real path exists."""
    from method import (
        ApprovedListFacts,
        AssessmentInputs,
        CalendarFacts,
        CaseFacts,
        DocumentFacts,
        ElementFacts,
        LicenceFacts,
        MeasureFacts,
        PartyFacts,
        ProducerFacts,
        QuotaFacts,
        SourceFacts,
        assess,
    )

    today = dt.date(2026, 11, 2)
    inputs = AssessmentInputs(
        as_of=today + dt.timedelta(days=40),
        today=today,
        case=CaseFacts(
            reference="BENCH-TEMPLATE",
            elements=(ElementFacts("Nd", "light", 30.0), ElementFacts("Dy", "ionic", 4.0)),
            product_form="magnet",
            end_use="automotive",
            destination="DE",
            parties=(
                PartyFacts("buyer", "Alpine Kestrel GmbH", "DE"),
                PartyFacts("exporter", "Ningbo Rare Earth Trading Co., Ltd", "CN"),
                PartyFacts("end_user", "Alpine Kestrel GmbH", "DE"),
            ),
            sources=(
                SourceFacts(
                    label="NdDy",
                    elements=("Nd", "Dy"),
                    producer=ProducerFacts(
                        1,
                        "Bench producer 001",
                        "bench-group-1",
                        "Bench group 1",
                        kind="separation_plant",
                    ),
                    evidence=("supplier_declaration", "invoice"),
                    list_status="approved",
                ),
            ),
            licence=LicenceFacts(status="applied", applied_on=today - dt.timedelta(days=20)),
            documents=(DocumentFacts("contract"), DocumentFacts("end_user_certificate")),
        ),
        calendar=CalendarFacts(
            holidays=tuple(dt.date(2026, 10, d) for d in range(1, 8)), known_years=(2026,)
        ),
        measures=(
            MeasureFacts(
                1,
                "bench-medium-heavy-licence",
                "Export control on medium and heavy rare earth items",
                ("licence",),
                dt.date(2025, 4, 4),
                elements=("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"),
                forms=("oxide", "compound", "metal", "alloy", "target", "magnet"),
            ),
        ),
        approved_list=ApprovedListFacts(1, "Bench list 1", dt.date(2025, 1, 1)),
        quotas=(QuotaFacts(cycle_year=2026, holder_key="bench-group-1"),),
    )
    result = assess(inputs)
    data = result.to_dict()
    return Payload(
        result.band,
        result.score,
        result.method_version,
        data["factors"],
        {"list_version": 1, "quota_cycle": 2026, "measures": [1]},
        inputs.to_dict(),
        result.inputs_hash,
    )


def clone_assessments(
    case_ids: Sequence[int], templates: Sequence[Payload], *, trigger: str, today: dt.date
) -> list[int]:
    """Insert one assessment per case from the templates (round robin), the way the re-score
    writes snapshots (core.db.bulk_create_json); returns their ids."""
    ids: list[int] = []
    with transaction.atomic():
        for chunk in _chunks(list(case_ids), BATCH):
            rows = []
            for n, case_id in enumerate(chunk):
                t = templates[n % len(templates)]
                rows.append(
                    Assessment(
                        case_id=case_id,
                        as_of=today,
                        band=t.band,
                        score=t.score,
                        method_version=t.method_version,
                        trigger=trigger,
                        factors=t.factors,
                        versions=t.versions,
                        inputs=t.inputs,
                        inputs_hash=t.inputs_hash,
                        reference_part_id=t.reference_part_id,
                        outcome_hash=t.outcome_hash,
                    )
                )
            bulk_create_json(Assessment, rows, ("factors", "versions", "inputs"))
            ids.extend(r.pk for r in rows)
    return ids


def link_latest(assessment_ids: Sequence[int]) -> None:
    """Point each assessment's case at it (what assessment_run keeps up to date).

    Driven by the new assessments' primary keys, so each chunk is an index lookup whatever
    the size of the table.
    """
    case_table = Case._meta.db_table
    a_table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(list(assessment_ids), BATCH):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {case_table} SET latest_assessment_id = a.id, band = a.band, "  # noqa: S608
                f"score = a.score, assessed_at = a.created_at "
                f"FROM {a_table} a WHERE a.id IN ({marks}) AND a.case_id = {case_table}.id",
                list(chunk),
            )


def neutralise_seed_bands() -> None:
    """Set cloned seed snapshots (and their cases) to the worst band and score.

    A clone's band is a template's, not the case's own; from "critical" a re-score can
    only improve or stay, so it raises no artificial "band worsened" alerts.
    """
    case_table = Case._meta.db_table
    a_table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {a_table} SET band = 'critical', score = 100 "  # noqa: S608
            "WHERE trigger = 'created' AND reference_change_id IS NULL"
        )
        cursor.execute(
            f"UPDATE {case_table} SET band = 'critical', score = 100 "  # noqa: S608
            f"WHERE latest_assessment_id IN (SELECT id FROM {a_table} WHERE trigger = 'created')"
        )


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load.

    Without it the first figures after a load of 90,000 rows come from plans made for an
    empty table.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

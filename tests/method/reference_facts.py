"""Reference facts copied from /work/shared/reference (never read at run time).

Sources: measures.yaml (Nos. 18, 56, 57, 62, 70, the 2023 technology catalogue, the Export
Control Law), elements.yaml (quota categories), quota_cycles.yaml (2024 batch 1 group
allocations), china_holidays.yaml (2024-2026 derived days off and make-up working days),
producers.yaml (groups and subsidiaries) and watch_lists.yaml (entries and alias tests).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from method import (
    AllocationFacts,
    ApprovedListFacts,
    AssessmentInputs,
    CalendarFacts,
    CaseFacts,
    DestinationFacts,
    DocumentFacts,
    ElementFacts,
    LicenceFacts,
    MeasureFacts,
    PartyFacts,
    ProducerFacts,
    QuotaFacts,
    QuotaFallbackFacts,
    SourceFacts,
    SuspensionFacts,
    WatchEntryFacts,
)
from method.choices import INDIVIDUAL_LICENCE_DOCUMENTS, SHIPMENT_DOCUMENTS
from method.inputs import TechnologyFacts

D = dt.date.fromisoformat


def _dates(text: str) -> tuple[dt.date, ...]:
    return tuple(D(part.strip()) for part in text.split(",") if part.strip())


# china_holidays.yaml notices[*].derived
HOLIDAYS = _dates(
    "2024-01-01, 2024-02-12, 2024-02-13, 2024-02-14, 2024-02-15, 2024-02-16, 2024-04-04,"
    "2024-04-05, 2024-05-01, 2024-05-02, 2024-05-03, 2024-06-10, 2024-09-16, 2024-09-17,"
    "2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-07,"
    "2025-01-01, 2025-01-28, 2025-01-29, 2025-01-30, 2025-01-31, 2025-02-03, 2025-02-04,"
    "2025-04-04, 2025-05-01, 2025-05-02, 2025-05-05, 2025-06-02, 2025-10-01, 2025-10-02,"
    "2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08,"
    "2026-01-01, 2026-01-02, 2026-02-16, 2026-02-17, 2026-02-18, 2026-02-19, 2026-02-20,"
    "2026-02-23, 2026-04-06, 2026-05-01, 2026-05-04, 2026-05-05, 2026-06-19, 2026-09-25,"
    "2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07"
)
MAKEUP_WORKDAYS = _dates(
    "2024-02-04, 2024-02-18, 2024-04-07, 2024-04-28, 2024-05-11, 2024-09-14, 2024-09-29,"
    "2024-10-12,"
    "2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11,"
    "2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10"
)
CALENDAR = CalendarFacts(
    holidays=HOLIDAYS, makeup_workdays=MAKEUP_WORKDAYS, known_years=(2024, 2025, 2026)
)
# china_holidays.yaml working_day_examples: (complete file received, day 45)
WORKING_DAY_EXAMPLES = (
    ("2024-09-20", "2024-11-27"),
    ("2025-01-06", "2025-03-14"),
    ("2025-04-15", "2025-06-20"),
    ("2025-09-15", "2025-11-21"),
    ("2026-01-05", "2026-03-13"),
    ("2026-04-20", "2026-06-25"),
    ("2026-09-01", "2026-11-09"),
)

# elements.yaml quota_category
QUOTA_CATEGORY = {
    **dict.fromkeys(("La", "Ce", "Pr", "Nd"), "light"),
    **dict.fromkeys(("Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"), "ionic"),
    **dict.fromkeys(("Pm", "Sc"), "none"),
}

_NO_70 = "MOFCOM/GACC Announcement No. 70 of 2025 (suspension of Nos. 55-58, 61, 62)"
_BY_NO_70 = SuspensionFacts("mofcom-gacc-2025-70", _NO_70, D("2025-11-07"), D("2026-11-10"))
_SEPARATED = ("metal", "alloy", "target", "magnet", "oxide", "compound")

ECL_2020 = MeasureFacts(
    id=1,
    key="ecl-2020",
    title="Export Control Law of the PRC",
    layers=("framework", "licence", "end_use"),
    effective_from=D("2020-12-01"),
)
TECH_CATALOGUE_2023 = MeasureFacts(
    id=2,
    key="tech-catalogue-2023",
    title="Catalogue of Technologies Prohibited or Restricted from Export (2023 revision)",
    layers=("technology", "prohibition"),
    effective_from=D("2023-12-21"),
    forms=("technology",),
)
NO_18 = MeasureFacts(
    id=18,
    key="mofcom-gacc-2025-18",
    title="MOFCOM/GACC Announcement No. 18 of 2025 (medium and heavy rare earth items)",
    layers=("licence",),
    effective_from=D("2025-04-04"),
    elements=("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"),
    forms=_SEPARATED,
    hs_codes=(
        "2805301910",
        "2846901930",
        "2846901940",
        "2846901993",
        "2846902810",
        "2846909920",
        "3824999922",
        "8486909110",
    ),
)
NO_56 = MeasureFacts(
    id=56,
    key="mofcom-gacc-2025-56",
    title="MOFCOM/GACC Announcement No. 56 of 2025 (rare earth production equipment and materials)",
    layers=("licence",),
    effective_from=D("2025-11-08"),
    forms=("equipment",),
    suspensions=(_BY_NO_70,),
)
NO_57 = MeasureFacts(
    id=57,
    key="mofcom-gacc-2025-57",
    title="MOFCOM/GACC Announcement No. 57 of 2025 (Ho, Er, Tm, Eu, Yb items)",
    layers=("licence",),
    effective_from=D("2025-11-08"),
    elements=("Ho", "Er", "Tm", "Eu", "Yb"),
    forms=_SEPARATED,
    suspensions=(_BY_NO_70,),
)
NO_62 = MeasureFacts(
    id=62,
    key="mofcom-2025-62",
    title="MOFCOM Announcement No. 62 of 2025 (rare earth technologies, 1E902)",
    layers=("technology", "licence", "end_use"),
    effective_from=D("2025-10-09"),
    forms=("technology",),
    suspensions=(_BY_NO_70,),
)
NO_70 = MeasureFacts(
    id=70,
    key="mofcom-gacc-2025-70",
    title=_NO_70,
    layers=("suspension",),
    effective_from=D("2025-11-07"),
    effective_to=D("2026-11-10"),
)
MEASURES = (ECL_2020, TECH_CATALOGUE_2023, NO_18, NO_56, NO_57, NO_62, NO_70)

# Catalogue items (measures.yaml tech-catalogue-2023 scope and mofcom-2025-62 notes).
NDFEB_PREP = TechnologyFacts(
    "ndfeb-preparation",
    "preparation technology for samarium-cobalt, NdFeB and cerium magnets",
    "prohibited",
    TECH_CATALOGUE_2023.title,
    measure_key=TECH_CATALOGUE_2023.key,
)
MINING_TECH = TechnologyFacts(
    "re-mining",
    "rare earth mining, beneficiation and smelting technology",
    "restricted",
    TECH_CATALOGUE_2023.title,
    measure_key=TECH_CATALOGUE_2023.key,
)
E902_A = TechnologyFacts(
    "1e902-a",
    "technologies and carriers for rare earth mining, separation, smelting, magnet making",
    "dual_use",
    NO_62.title,
    control_code="1E902.a",
    measure_key=NO_62.key,
)

# producers.yaml: subsidiaries and the quota holder after the successor chain.
HUAMEI = ProducerFacts(
    id=101,
    name="Baotou Huamei Rare Earth Hi-Tech",
    group_key="china-northern",
    group_name="China Northern Rare Earth (Group) High-Tech Co., Ltd.",
    quota_holder_key="china-northern",
    quota_holder_name="China Northern Rare Earth",
    kind="separation_plant",
)
GOLDEN_DRAGON = ProducerFacts(
    id=102,
    name="Fujian Golden Dragon Rare Earth",
    group_key="xiamen-tungsten",
    group_name="Xiamen Tungsten Co., Ltd.",
    quota_holder_key="china-rare-earth-group",
    quota_holder_name="China Rare Earth Group",
    kind="separation_plant",
)
# producers.yaml magnet_makers_general_licence_2025: an exporter, not a quota holder.
JL_MAG = ProducerFacts(id=201, name="JL Mag Rare-Earth", kind="magnet_maker")

# quota_cycles.yaml 2024 allocations_batch1 (smelting published only as a total)
ALLOCATIONS_2024 = {
    "china-northern": (
        AllocationFacts("mining", "light", 94580),
        AllocationFacts("mining", "ionic", 0),
        AllocationFacts("smelting", "total", 88010),
    ),
    "china-rare-earth-group": (
        AllocationFacts("mining", "light", 30280),
        AllocationFacts("mining", "ionic", 10140),
        AllocationFacts("smelting", "total", 38990),
    ),
}
FALLBACK_2024 = {
    key: QuotaFallbackFacts(2024, 2024, "2024 batch 1", rows)
    for key, rows in ALLOCATIONS_2024.items()
}


def quota_unpublished(year: int, holder: str) -> QuotaFacts:
    """The real state of 2025 and 2026: no published volumes; 2024 batch 1 is the fallback."""
    return QuotaFacts(
        cycle_year=year, holder_key=holder, published=False, fallback=FALLBACK_2024[holder]
    )


def quota_recorded(year: int, holder: str) -> QuotaFacts:
    """Hypothetical: a cycle staff recorded as published, with 2024 batch 1 volumes."""
    return QuotaFacts(
        cycle_year=year,
        holder_key=holder,
        cycle_id=year,
        published=True,
        confidence="official",
        allocations=ALLOCATIONS_2024[holder],
        fallback=FALLBACK_2024[holder],
    )


def approved_list(confidence: str = "official") -> ApprovedListFacts:
    return ApprovedListFacts(
        version_id=7, label="2026-01", effective_from=D("2026-01-01"), confidence=confidence
    )


EVIDENCED = ("supplier_declaration", "invoice")


def source(
    label: str,
    symbols: tuple[str, ...],
    producer: ProducerFacts | None = HUAMEI,
    **changes: Any,
) -> SourceFacts:
    """An evidenced upstream source on the list in force (change any field)."""
    base = SourceFacts(
        label=label,
        elements=symbols,
        producer=producer,
        evidence=EVIDENCED,
        list_status="approved",
        production_year=2026,
    )
    return dataclasses.replace(base, **changes)


EXPORTER = PartyFacts(
    "exporter", "Ganzhou Rare Earth Trading Co., Ltd.", "CN", "91360700MA35XXXX1K"
)
BUYER = PartyFacts("buyer", "Acme Motors GmbH", "DE")


# watch_lists.yaml entries
LOCKHEED = WatchEntryFacts(
    1, "uel", "Unreliable Entity List", "Lockheed Martin Corporation", ("洛克希德·马丁公司",),
    "US", "active", D("2023-02-16"),
)  # fmt: skip
GIBBS = WatchEntryFacts(
    2, "eccl", "Export Control Control List", "Gibbs & Cox, Inc.", ("Gibbs&Cox, Inc.",),
    "US", "measures_terminated", D("2025-03-04"),
)  # fmt: skip
TELEDYNE = WatchEntryFacts(
    3, "uel", "Unreliable Entity List", "Teledyne Brown Engineering, Inc.", (),
    "US", "measures_terminated", D("2025-03-04"),
)  # fmt: skip
ALLIANT = WatchEntryFacts(
    4, "uel", "Unreliable Entity List", "Alliant Techsystems Operations LLC", (),
    "US", "active", D("2025-10-09"),
)  # fmt: skip
JMU = WatchEntryFacts(
    5, "eccl", "Export Control Control List", "Japan Marine United Corporation", ("JMU",),
    "JP", "active", D("2026-02-24"),
)  # fmt: skip
AEROVIRONMENT = WatchEntryFacts(
    6, "uel", "Unreliable Entity List", "AeroVironment, Inc.", (),
    "US", "active", D("2025-10-09"),
)  # fmt: skip
RTX_LIKE = WatchEntryFacts(
    7, "test", "Test list", "United Technologies Corporation", ("Raytheon Technologies",),
    "US", "active", None,
)  # fmt: skip
# registry/data/destinations.yaml (the project's own reference data, with its sources)
DPRK = DestinationFacts(
    id=1,
    country="KP",
    regime="un_sanctions",
    scope="all_items",
    severity="critical",
    title="UN Security Council sanctions on the DPRK",
    instrument="UNSCR 1718 (2006), 2270 (2016), 2397 (2017)",
    effective_from=D("2006-10-14"),
)
US_MILITARY = DestinationFacts(
    id=2,
    country="US",
    regime="cn_countermeasure",
    scope="military_end_use",
    severity="critical",
    title="Ban on dual-use exports to US military users",
    instrument="MOFCOM Announcement No. 46 of 2024",
    effective_from=D("2024-12-03"),
    confidence="unconfirmed",
)
DESTINATIONS = (DPRK, US_MILITARY)
SKYDIO = WatchEntryFacts(
    8, "uel", "Unreliable Entity List", "Skydio, Inc.", ("斯凯迪奥公司",),
    "US", "suspended", D("2026-11-28"), notice="不可靠实体清单工作机制公告〔2025〕7号",
    notice_key="uel-2025-04-04", effects=("trade_ban", "investment_ban"),
    suspended_until=D("2026-11-10"),
)  # fmt: skip
SUBARU = WatchEntryFacts(
    9, "watch", "Watch List (attention list)", "SUBARU Corporation", ("斯巴鲁株式会社",),
    "JP", "active", D("2026-11-28"), notice="商务部公告2026年第12号",
    notice_key="wl-2026-02-24",
    effects=("no_general_licence", "risk_assessment", "no_review_deadline"),
)  # fmt: skip
AIDC = WatchEntryFacts(
    10, "eccl", "Export Control Control List", "Aerospace Industrial Development Corp.",
    ("汉翔航空工业股份有限公司",), "TW", "active", D("2026-11-28"),
    notice_key="eccl-2025-07-09", effects=("dual_use_ban",),
)  # fmt: skip
WATCH_ENTRIES = (LOCKHEED, GIBBS, TELEDYNE, ALLIANT, JMU, AEROVIRONMENT, SKYDIO, SUBARU, AIDC)

# The shipment file's commercial documents, verified: every clean case has them.
SHIPMENT_FILE = tuple(DocumentFacts(doc, "verified") for doc in SHIPMENT_DOCUMENTS)
ALL_DOCUMENTS = (
    *(DocumentFacts(doc, "verified") for doc in INDIVIDUAL_LICENCE_DOCUMENTS),
    *SHIPMENT_FILE[1:],  # the contract is in the licence file already
    DocumentFacts("licence", "verified"),
)
SHIP_DATE = D("2026-06-15")
TODAY = D("2026-05-04")


# elements.yaml family
FAMILY = {
    **dict.fromkeys(("La", "Ce", "Pr", "Nd", "Pm"), "light"),
    **dict.fromkeys(("Sm", "Eu", "Gd"), "medium"),
    **dict.fromkeys(("Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"), "heavy"),
    "Sc": "other",
}


def elements(*symbols: str) -> tuple[ElementFacts, ...]:
    return tuple(
        ElementFacts(symbol, QUOTA_CATEGORY.get(symbol, "none"), family=FAMILY.get(symbol, "other"))
        for symbol in symbols
    )


_NO_CHANGE: Any = object()


def make_case(
    symbols: tuple[str, ...] = ("Nd", "Pr"),
    *,
    producer: ProducerFacts | None = _NO_CHANGE,
    list_status: str = "approved",
    end_user: str = _NO_CHANGE,
    consignee: str = _NO_CHANGE,
    **changes: Any,
) -> CaseFacts:
    """A case; `producer` is shorthand for one evidenced source covering every element
    (None: no source), `end_user` and `consignee` for those parties ('' = not declared)."""
    plant = HUAMEI if producer is _NO_CHANGE else producer
    label = "".join(symbols) or "RE"
    sources = (
        (source(label, symbols, plant, list_status=list_status),)
        if plant is not None and symbols
        else ()
    )
    names = {
        "end_user": "Acme Motors GmbH" if end_user is _NO_CHANGE else end_user,
        "consignee": "Acme Motors GmbH" if consignee is _NO_CHANGE else consignee,
    }
    declared = tuple(PartyFacts(role, name, "DE") for role, name in names.items() if name)
    parties = (BUYER, EXPORTER, *declared)
    base = CaseFacts(
        reference="LS-2026-0001",
        elements=elements(*symbols),
        product_form="oxide",
        end_use="automotive",
        destination="DE",
        parties=parties,
        sources=sources,
        licence=LicenceFacts(status="not_required"),
        documents=SHIPMENT_FILE,
    )
    return dataclasses.replace(base, **changes)


def quotas_for(case: CaseFacts, year: int = SHIP_DATE.year) -> tuple[QuotaFacts, ...]:
    """Recorded quota facts for every quota holder of the case's sources."""
    holders = {s.producer.quota_holder_key for s in case.sources if s.producer}
    return tuple(quota_recorded(year, h) for h in sorted(holders - {None}) if h in ALLOCATIONS_2024)


def make_inputs(case: CaseFacts | None = None, **changes: Any) -> AssessmentInputs:
    """A clean NdPr oxide case from an approved Northern plant, shipping 2026-06-15.

    `quota=` is shorthand for the quota of the case's (first) holder; None: no quota data."""
    case = case or make_case()
    if "quota" in changes:
        quota = changes.pop("quota")
        holders = [s.producer.quota_holder_key for s in case.sources if s.producer]
        holder = next((h for h in holders if h), "")
        changes["quotas"] = (
            () if quota is None else (dataclasses.replace(quota, holder_key=holder),)
        )
    base = AssessmentInputs(
        as_of=SHIP_DATE,
        today=TODAY,
        case=case,
        calendar=CALENDAR,
        measures=MEASURES,
        approved_list=approved_list(),
        quotas=quotas_for(case),
        watch_candidates=WATCH_ENTRIES,
    )
    return dataclasses.replace(base, **changes)


def licensed_dy_case(**changes: Any) -> CaseFacts:
    """Dy oxide from a Golden Dragon plant with a granted licence and a complete file."""
    defaults: dict[str, Any] = {
        "producer": GOLDEN_DRAGON,
        "list_status": "approved",
        "licence": LicenceFacts("granted", "LIC-2026-0042", D("2026-03-02"), D("2026-12-31")),
        "documents": ALL_DOCUMENTS,
    }
    return make_case(("Dy",), **{**defaults, **changes})

"""Load the reference facts shipped in registry/data/ (copied from the shared research).

Idempotent: every row is matched by its natural key and saved only when a value differs,
so a second run changes nothing and writes no history. Loading is the initial state: it
records no ReferenceChange (nothing was assessed against the data before it existed).
"""

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from method.choices import WATCH_EFFECTS
from registry.choices import (
    CalendarDayKind,
    Confidence,
    FacilityKind,
    ListEntryStatus,
    ListVersionStatus,
    QuotaCategory,
    QuotaConfidence,
    QuotaKind,
)
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    Authority,
    CalendarDay,
    DestinationRestriction,
    Element,
    HolidayNotice,
    HSCode,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    Suspension,
    TechnologyItem,
    WatchList,
    WatchListEntry,
    WatchNotice,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
QUOTA_YEARS = range(2018, 2027)
# quota_cycles.yaml allocation keys -> (kind, category)
ALLOCATION_KEYS = {
    "mining_light": (QuotaKind.MINING, QuotaCategory.LIGHT),
    "mining_ionic": (QuotaKind.MINING, QuotaCategory.IONIC),
    "mining": (QuotaKind.MINING, QuotaCategory.TOTAL),
    "smelting": (QuotaKind.SMELTING, QuotaCategory.TOTAL),
}
# What a party-list notice does (method.choices.WATCH_EFFECTS), read from the notice.
# The Export Control Control List and the Watch List have one regime each (their list's
# `effect`), so every notice on them has its list's effects. A UEL notice chooses its
# measures (Provisions on the UEL, Art. 10): each is read from a phrase of the notice's
# `measures` text. A UEL measure with no phrase here (a fine, one product's export ban, a
# bare listing) has no shipment effect the method knows; the notice keeps the text.
LIST_EFFECTS: dict[str, tuple[str, ...]] = {
    "eccl": ("dual_use_ban",),
    "watch": ("no_general_licence", "risk_assessment", "no_review_deadline"),
}
MEASURE_EFFECTS: tuple[tuple[str, str], ...] = (
    ("ban on china-related import and export", "trade_ban"),
    ("ban on new investment", "investment_ban"),
    ("barred from entry", "entry_ban"),
)
# The 2023 technology catalogue's rare-earth lines (measures.yaml scope.prohibited and
# scope.restricted) and MOFCOM No. 62 of 2025's dual-use items (its scope notes, in full).
TECHNOLOGY_CATALOGUE = "tech-catalogue-2023"
TECHNOLOGY_DUAL_USE = {
    "mofcom-2025-62": (
        (
            "1E902.a",
            "technologies and carriers for rare earth mining, separation, metal smelting, "
            "magnet manufacturing and recycling",
        ),
        (
            "1E902.b",
            "assembly, commissioning, maintenance, repair and upgrade of such production lines",
        ),
    ),
}
FACILITY_KINDS = {"separation": FacilityKind.SEPARATION_PLANT, "mine": FacilityKind.MINE}
# CREG was founded on 2021-12-23; the groups it absorbed "in 2021-12" joined that day.
CREG_FOUNDED = date(2021, 12, 23)
# The approved list shipped with the product: MIIT's list is not in the shared research, so
# a fresh install would judge every real plant "not approved". This version lists the
# separation plants the research names for the groups that held the 2024 quotas, marked
# reported (never official) so every page and reason that uses it says so.
REPORTED_LIST_LABEL = "Reported plants of the quota-holding groups"
REPORTED_LIST_FROM = date(2024, 1, 1)
REPORTED_LIST_NOTES = (
    "Reported, not an official MIIT list. It holds the separation plants that the shipped "
    "research (registry/data/producers.yaml) names as subsidiaries of the groups holding "
    "the 2024 quotas (China Northern Rare Earth; China Rare Earth Group, with the plants of "
    "the groups it absorbed). Publish an official version over it when MIIT's list is known."
)


def read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _confidence(value: str | None) -> str:
    return value if value in Confidence.values else Confidence.CONFIRMED


def _quota_confidence(value: str | None) -> str:
    # The figures were read in trade press reprinting the notices: "reported", not "official".
    return QuotaConfidence.ESTIMATED if value == "unconfirmed" else QuotaConfidence.REPORTED


def _month_or_date(value) -> tuple[date | None, str]:
    """YAML gives full dates as date objects and "2024-08" as a string: keep only real days."""
    if isinstance(value, date):
        return value, ""
    if value:
        return None, f"issued {value} (day not known)"
    return None, ""


def _tonnes(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class Counter:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = 0


def upsert(model: type[models.Model], lookup: dict, values: dict, counter: Counter, *, clean=True):
    """update_or_create that saves only when something differs (no empty history rows)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        counter.created += 1
    else:
        dirty = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not dirty:
            counter.unchanged += 1
            return obj
        for k, v in dirty.items():
            setattr(obj, k, v)
        counter.updated += 1
    if clean:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    return obj


def _set_m2m(manager, targets: Iterable[models.Model]) -> None:
    wanted = {t.pk for t in targets}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(list(targets))


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    c = Counter()
    _load_elements(c)
    _load_hs_codes(c)
    _load_measures(c)
    _load_producers(c)
    _load_reported_list(c)
    _load_technology_items(c)
    _load_quotas(c)
    _load_watch_lists(c)
    _load_destinations(c)
    _load_calendar(c)
    return {
        "created": c.created,
        "updated": c.updated,
        "unchanged": c.unchanged,
        **{
            m._meta.verbose_name_plural: m.objects.count()
            for m in (
                Element,
                HSCode,
                Authority,
                Measure,
                Suspension,
                TechnologyItem,
                ProducerGroup,
                Producer,
                ApprovedListVersion,
                ApprovedListEntry,
                QuotaCycle,
                QuotaBatch,
                QuotaAllocation,
                WatchList,
                WatchNotice,
                WatchListEntry,
                DestinationRestriction,
                HolidayNotice,
                CalendarDay,
            )
        },
    }


def load_elements() -> dict[str, Element]:
    """The 17 elements from the shipped data, keyed by symbol (idempotent; tests use it)."""
    _load_elements(Counter())
    return {e.symbol: e for e in Element.objects.all()}


def _load_elements(c: Counter) -> None:
    for e in read("elements.yaml")["elements"]:
        codes = e.get("control_codes") or []
        upsert(
            Element,
            {"symbol": e["symbol"]},
            {
                "name": e["name"],
                "atomic_number": e["z"],
                "family": e["family"],
                "quota_category": e["quota_category"],
                "control_code": codes[0]["code"] if codes else "",
                "control_code_confidence": _confidence(codes[0]["confidence"]) if codes else "",
            },
            c,
        )


def _load_hs_codes(c: Counter) -> None:
    elements = Element.objects.in_bulk()
    for h in read("hs_codes.yaml")["hs_codes"]:
        code = upsert(
            HSCode,
            {"code": h["code"]},
            {
                "description": h["description"][:200],
                "form": h["form"],
                "confidence": _confidence(h.get("confidence")),
            },
            c,
        )
        symbols = h.get("elements") or ([h["element"]] if h.get("element") else [])
        _set_m2m(code.elements, [elements[s] for s in symbols])


def _scope_notes(scope: dict) -> str:
    parts = []
    if scope.get("notes"):
        parts.append(" ".join(str(scope["notes"]).split()))
    for label in ("prohibited", "restricted"):
        if scope.get(label):
            parts.append(f"{label.capitalize()}: " + "; ".join(scope[label]) + ".")
    if scope.get("de_minimis_value_share") is not None:
        parts.append(f"De minimis value share: {scope['de_minimis_value_share']}.")
    return "\n".join(parts)


def _load_measures(c: Counter) -> None:
    data = read("measures.yaml")["measures"]
    authorities: dict[str, Authority] = {}
    for m in data:
        for name in m.get("issuer", []):
            if name not in authorities:
                authorities[name] = upsert(
                    Authority, {"code": slugify(name)[:40]}, {"name": name}, c
                )
    elements = Element.objects.in_bulk()
    measures: dict[str, Measure] = {}
    for m in data:
        scope = m.get("scope") or {}
        measure = upsert(
            Measure,
            {"key": m["id"]},
            {
                "title": " ".join(m["title"].split()),
                "layers": list(m["layers"]),
                "forms": list(scope.get("forms") or []),
                "hs_codes": [str(h) for h in scope.get("hs_codes") or []],
                "published_on": m.get("published") or m.get("adopted"),
                "effective_from": m["effective_from"],
                "effective_to": m.get("effective_to"),
                "summary": " ".join(str(m.get("summary") or "").split()),
                "scope_notes": _scope_notes(scope),
                "source": m.get("source", "")[:500],
                "confidence": _confidence(m.get("confidence")),
            },
            c,
        )
        _set_m2m(measure.elements, [elements[s] for s in scope.get("elements") or []])
        _set_m2m(measure.issuers, [authorities[n] for n in m.get("issuer", [])])
        measures[m["id"]] = measure
    for m in data:
        for s in m.get("suspensions") or []:
            by = measures[s["by"]]
            upsert(
                Suspension,
                {"measure": measures[m["id"]], "suspended_by": by, "starts_on": s["from"]},
                {
                    "ends_on": s.get("until"),
                    "note": f"Suspended by {by.title}.",
                },
                c,
            )


def _load_technology_items(c: Counter) -> None:
    """The catalogue items a technology case is classified under, keyed by a slug of the
    measure and the item (a corrected title in the data is a new item; the old one stays
    for the cases classified under it)."""
    data = {m["id"]: m for m in read("measures.yaml")["measures"]}
    measures = {
        m.key: m
        for m in Measure.objects.filter(key__in=[TECHNOLOGY_CATALOGUE, *TECHNOLOGY_DUAL_USE])
    }
    rows = []
    catalogue = data[TECHNOLOGY_CATALOGUE]
    for klass in ("prohibited", "restricted"):
        for title in catalogue["scope"].get(klass) or []:
            rows.append((TECHNOLOGY_CATALOGUE, slugify(title)[:60].rstrip("-"), title, klass, ""))
    for key, items in TECHNOLOGY_DUAL_USE.items():
        for code, title in items:
            rows.append((key, slugify(code), title, "dual_use", code))
    for measure_key, slug, title, klass, code in rows:
        m = data[measure_key]
        upsert(
            TechnologyItem,
            {"key": f"{measure_key}-{slug}"[:80]},
            {
                "title": title,
                "klass": klass,
                "control_code": code,
                "measure": measures[measure_key],
                "confidence": _confidence(m.get("confidence")),
                "source": m.get("source", "")[:500],
            },
            c,
        )


def _absorbed_on(when) -> tuple[date | None, str]:
    """ "2021-12" (month only) -> CREG's founding day for Dec 2021, else the 1st, with a note."""
    if when is None or isinstance(when, date):
        return when, ""
    year, month = (int(x) for x in str(when).split("-"))
    if (year, month) == (CREG_FOUNDED.year, CREG_FOUNDED.month):
        return CREG_FOUNDED, ""
    return date(year, month, 1), f"Absorbed in {when} (day not known; the 1st is used)."


def _load_producers(c: Counter) -> None:
    data = read("producers.yaml")
    groups: dict[str, ProducerGroup] = {}
    absorbed: dict[str, dict] = {}
    for g in data["groups"]:
        for a in g.get("absorbed") or []:
            absorbed[a["key"]] = a
    for g in data["groups"]:
        notes = [str(g[k]) for k in ("notes",) if g.get(k)]
        for label in ("parent", "owners", "affiliate", "founded"):
            if g.get(label):
                notes.append(f"{label.capitalize()}: {g[label]}")
        absorbed_on, when = _absorbed_on(absorbed.get(g["key"], {}).get("when"))
        if when:
            notes.append(when)
        groups[g["key"]] = upsert(
            ProducerGroup,
            {"key": g["key"]},
            {
                "name": g["name"],
                "name_zh": g.get("name_zh", ""),
                "listing": str(g.get("listing", ""))[:200],
                "absorbed_on": absorbed_on,
                "notes": "\n".join(notes),
                "source": g.get("source", ""),
                "confidence": _confidence(g.get("confidence")),
            },
            c,
        )
    for g in data["groups"]:
        successor = groups.get(g.get("successor") or "")
        group = groups[g["key"]]
        if group.successor_id != (successor.pk if successor else None):
            group.successor = successor
            group.save(update_fields=["successor"])
        for s in g.get("subsidiaries") or []:
            upsert(
                Producer,
                {"name_en": s["name"], "is_demo": False},
                {
                    "group": group,
                    "kind": FACILITY_KINDS[s["kind"]],
                    "name_zh": s.get("name_zh", ""),
                    "confidence": Confidence.CONFIRMED,
                    "notes": "Subsidiary named in the reference research; USCC not known.",
                },
                c,
            )
    for m in data.get("magnet_makers_general_licence_2025") or []:
        listing = str(m.get("listing") or "unknown")
        # The names and the licence are confirmed; the research marks the listings it could
        # not check "(unconfirmed)", and the row's confidence says so.
        unconfirmed = "unconfirmed" in listing
        upsert(
            Producer,
            {"name_en": m["name"], "is_demo": False},
            {
                "group": None,
                "kind": FacilityKind.MAGNET_MAKER,
                "name_zh": m.get("name_zh", ""),
                "confidence": Confidence.UNCONFIRMED if unconfirmed else Confidence.CONFIRMED,
                "notes": "Magnet maker (an exporter, not a quota holder). Received a general "
                f"export licence on 2025-12-02 (name confirmed). Listing: {listing}.",
            },
            c,
        )


def _reported_plants(data: dict) -> tuple[list[tuple[Producer, ProducerGroup]], list[str]]:
    """The separation plants of every group whose quota holder (successor links followed,
    as of the list's effective date) held 2024 quotas, and the sources that name them."""
    holders = {g["key"] for g in data["groups"] if g.get("quota_holder_2024")}
    groups = {g.key: g for g in ProducerGroup.objects.select_related("successor")}
    plants: list[tuple[Producer, ProducerGroup]] = []
    sources: list[str] = []
    for g in data["groups"]:
        holder = groups[g["key"]].quota_holder(on=REPORTED_LIST_FROM)
        named = [
            s
            for s in g.get("subsidiaries") or []
            if FACILITY_KINDS[s["kind"]] == FacilityKind.SEPARATION_PLANT
        ]
        if holder.key not in holders or not named:
            continue
        for s in named:
            plants.append((Producer.objects.get(name_en=s["name"], is_demo=False), holder))
        for source in (groups[g["key"]].source, holder.source):
            sources.extend(part.strip() for part in source.split(";") if part.strip())
    return plants, list(dict.fromkeys(sources))


def _load_reported_list(c: Counter) -> None:
    """One published, reported list version of the quota holders' plants. A published
    version is immutable: once it exists (shipped or made by staff under this label) it is
    left alone, and a later change of the research needs a new version; a draft under this
    label is brought to the shipped content and published. Shipped only on a fresh install
    (no other published version). Published as the publish service does (published_at, no
    user: the system), without a ReferenceChange: loading is the initial state."""
    version = ApprovedListVersion.objects.filter(label=REPORTED_LIST_LABEL).first()
    if version is not None and version.is_published:
        c.unchanged += 1
        return
    published = ApprovedListVersion.objects.filter(status=ListVersionStatus.PUBLISHED)
    if published.exclude(label=REPORTED_LIST_LABEL).exists():
        # Not a fresh install: staff's own lists are in force, and a reported list published
        # now would displace them from 2024 on (the latest published version wins a tie).
        return
    plants, sources = _reported_plants(read("producers.yaml"))
    cited = f"Group subsidiaries as reported by {', '.join(sources)} (producers.yaml; not an "
    cited += "official MIIT list)"
    version = upsert(
        ApprovedListVersion,
        {"label": REPORTED_LIST_LABEL},
        {
            "status": ListVersionStatus.DRAFT,
            "effective_from": REPORTED_LIST_FROM,
            "confidence": QuotaConfidence.REPORTED,
            "source_document": cited[:300],
            "notes": REPORTED_LIST_NOTES,
            "is_demo": False,
        },
        c,
    )
    wanted = {p.pk for p, _ in plants}
    version.entries.exclude(producer_id__in=wanted).delete()
    for plant, holder in plants:
        via = "" if plant.group_id == holder.pk else f", now part of {holder.name}"
        note = f"Reported plant of {plant.group.name}{via}; not an official listing."
        upsert(
            ApprovedListEntry,
            {"version": version, "producer": plant},
            {"status": ListEntryStatus.APPROVED, "note": note[:300]},
            c,
        )
    version.status = ListVersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = None
    version.full_clean(validate_unique=False)
    version.save()


def _load_quotas(c: Counter) -> None:
    groups = {g.key: g for g in ProducerGroup.objects.all()}
    for y in read("quota_cycles.yaml")["cycles"]:
        if y["year"] not in QUOTA_YEARS:
            continue
        totals = y.get("totals") or {}
        notes = " ".join(str(y.get("notes") or "").split())
        if y.get("full_year_issued"):
            notes = (notes + f" Full-year quota issued {y['full_year_issued']}.").strip()
        cycle = upsert(
            QuotaCycle,
            {"year": y["year"]},
            {
                "published": y.get("published", True),
                "confidence": _quota_confidence(y.get("confidence")),
                "mining_total": _tonnes(totals.get("mining")),
                "smelting_total": _tonnes(totals.get("smelting")),
                "notes": notes,
                "source": y.get("source", ""),
            },
            c,
        )
        batches = {}
        for b in y.get("batches") or []:
            issued_on, issued_note = _month_or_date(b.get("issued"))
            batches[b["number"]] = upsert(
                QuotaBatch,
                {"cycle": cycle, "number": b["number"]},
                {
                    "issued_on": issued_on,
                    "notice_number": b.get("notice", ""),
                    "mining_total": _tonnes(b.get("mining")),
                    "smelting_total": _tonnes(b.get("smelting")),
                    "confidence": QuotaConfidence.REPORTED,
                    "notes": issued_note,
                },
                c,
            )
        for key, rows in y.items():
            match = re.fullmatch(r"allocations_batch(\d+)", key)
            if not match:
                continue
            batch = batches[int(match.group(1))]
            for row in rows:
                for field, (kind, category) in ALLOCATION_KEYS.items():
                    if field not in row:
                        continue
                    upsert(
                        QuotaAllocation,
                        {
                            "batch": batch,
                            "group": groups[row["group"]],
                            "kind": kind,
                            "category": category,
                        },
                        {
                            "tonnes": _tonnes(row[field]),
                            "confidence": QuotaConfidence.REPORTED,
                            "source": y.get("source", "")[:300],
                        },
                        c,
                    )


def _load_watch_lists(c: Counter) -> None:
    data = read("watch_lists.yaml")
    as_of = data["as_of"]
    numbers = {a["id"]: a.get("number") for a in data["announcements"]}
    lists: dict[str, WatchList] = {}
    for wl in data["lists"]:
        lists[wl["key"]] = upsert(
            WatchList,
            {"key": wl["key"]},
            {
                "name": wl["name"],
                "name_zh": wl.get("name_zh", ""),
                "issuer": wl["authority"][:200],
                "jurisdiction": "CN",
                "version_date": as_of,
                "effect": " ".join(wl.get("effect", "").split()),
                "source": wl.get("source", "")[:500],
            },
            c,
        )
    notices = {
        a["id"]: upsert(
            WatchNotice,
            {"key": a["id"]},
            {
                "watch_list": lists[a["list"]],
                "number": a.get("number") or "",
                "date": a["date"],
                "status": a["status"],
                "suspended_until": a.get("suspended_until"),
                "effects": notice_effects(a["list"], a.get("measures") or []),
                "measures": [" ".join(str(m).split()) for m in a.get("measures") or []],
                "sources": [str(x) for x in a.get("sources") or []],
                "confidence": _confidence(a.get("confidence")),
            },
            c,
        )
        for a in data["announcements"]
    }
    # Known spellings and translations seen across sources (`alias_tests`): screening
    # matches them exactly, as known aliases, where no string score would find them.
    known = {}
    for test in data.get("alias_tests") or []:
        known.setdefault(test["canonical"], []).extend(test["variants"])
    for e in data["entries"]:
        number = numbers.get(e["announcement"])
        aliases = list(
            dict.fromkeys(
                [
                    *(e.get("aliases") or []),
                    *(e.get("aliases_zh") or []),
                    *(e.get("branches") or []),
                    *known.get(e["name"], []),
                ]
            )
        )
        upsert(
            WatchListEntry,
            {"watch_list": lists[e["list"]], "name": e["name"]},
            {
                "name_zh": e.get("name_zh", ""),
                "aliases": aliases,
                "country": e.get("country", ""),
                "identifiers": {"branches": e["branches"]} if e.get("branches") else {},
                "status": e["status"],
                "suspended_until": e.get("suspended_until"),
                "date_added": e.get("date_added"),
                "effective_on": e.get("effective"),
                "announcement": f"{number} ({e['announcement']})" if number else e["announcement"],
                "notice": notices[e["announcement"]],
                "confidence": _confidence(e.get("confidence")),
                "note": e.get("note", ""),
                "source": e.get("source", "")[:500],
                "is_demo": False,
            },
            c,
            clean=False,  # 251 rows from one vetted file; the model has no cross-field rules
        )


def notice_effects(list_key: str, measures: Iterable[str]) -> list[str]:
    """A notice's effects: its list's (ECCL, Watch List) and those its measures name (UEL),
    in WATCH_EFFECTS order (see LIST_EFFECTS and MEASURE_EFFECTS)."""
    found = set(LIST_EFFECTS.get(list_key, ()))
    for text in measures:
        lowered = " ".join(str(text).split()).casefold()
        found.update(effect for phrase, effect in MEASURE_EFFECTS if phrase in lowered)
    return [e for e in WATCH_EFFECTS if e in found]


def _load_destinations(c: Counter) -> None:
    """UN sanctions and Chinese countermeasures by destination, matched by country and
    instrument (the natural key): a corrected fact updates its row, with history."""
    for r in read("destinations.yaml")["restrictions"]:
        upsert(
            DestinationRestriction,
            {"country": r["country"], "instrument": r["instrument"]},
            {
                "regime": r["regime"],
                "scope": r["scope"],
                "severity": r["severity"],
                "title": r["title"],
                "effective_from": r["effective_from"],
                "effective_to": r.get("effective_to"),
                "source": " ".join(str(r.get("source", "")).split())[:500],
                "confidence": _confidence(r.get("confidence")),
                "notes": " ".join(str(r.get("notes", "")).split()),
                "is_demo": False,
            },
            c,
        )


def _load_calendar(c: Counter) -> None:
    data = read("china_holidays.yaml")
    for n in data["notices"]:
        upsert(
            HolidayNotice,
            {"year": n["year"]},
            {
                "title": n["title"],
                "doc_no": n.get("doc_no") or "",
                "published_on": n.get("published"),
                "source": " ".join(str(n.get("source", "")).split())[:500],
                "confidence": _confidence(n.get("confidence")),
            },
            c,
        )
        names_off, names_makeup = {}, {}
        for h in n["holidays"]:
            label = f"{h['holiday'].replace('_', ' ').title()} ({h['name_zh']})"
            d = h["off_from"]
            while d <= h["off_to"]:
                names_off[d] = label
                d = date.fromordinal(d.toordinal() + 1)
            for m in h.get("makeup_workdays") or []:
                names_makeup[m] = f"Make-up working day for {label}"
        derived = n["derived"]
        for d in derived["weekday_days_off"]:
            upsert(
                CalendarDay,
                {"date": d},
                {"kind": CalendarDayKind.HOLIDAY, "name": names_off.get(d, "")[:100]},
                c,
            )
        for d in derived["weekend_working_days"]:
            upsert(
                CalendarDay,
                {"date": d},
                {"kind": CalendarDayKind.MAKEUP_WORKDAY, "name": names_makeup.get(d, "")[:100]},
                c,
            )
    _load_statutory_days(c, data)


def _load_statutory_days(c: Counter, data: dict) -> None:
    """The statutory days off derived for each year with no notice (`year_YYYY`
    statutory_days_derived). A date the notice already fixed is left to the notice."""
    noticed = {n["year"] for n in data["notices"]}
    for key, year in data.items():
        if not (re.fullmatch(r"year_\d{4}", key) and isinstance(year, dict)):
            continue
        if year.get("year") in noticed:
            continue
        for h in year.get("statutory_days_derived") or []:
            label = f"{h['holiday'].replace('_', ' ').title()} (statutory, derived)"
            for d in h["dates"]:
                existing = CalendarDay.objects.filter(date=d).first()
                if existing is not None and existing.kind != CalendarDayKind.STATUTORY:
                    continue  # staff or a notice fixed this day: theirs stands
                upsert(
                    CalendarDay, {"date": d}, {"kind": CalendarDayKind.STATUTORY, "name": label}, c
                )

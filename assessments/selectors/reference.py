"""Reference data for the method's inputs, loaded once per batch.

Reference data (measures, list versions, quota, calendar, watch lists) is small and shared
by every case, so it is loaded once per batch into a `ReferenceData` and each case's inputs
are assembled in Python from it: building inputs for a chunk of cases costs a constant
number of queries whatever the chunk size. The watch-list entries are additionally cached
per process (keyed by a one-query fingerprint of the watch-list tables).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from assessments import snapshots
from assessments.choices import DispositionStatus
from assessments.selectors.case_rows import _related, case_as_of, case_facts_build
from assessments.selectors.dispositions import disposition_facts
from assessments.selectors.watch import WatchIndex, watch_index
from method import applicability
from method.inputs import (
    AllocationFacts,
    ApprovedListFacts,
    AssessmentInputs,
    CalendarFacts,
    DestinationFacts,
    DispositionFacts,
    DocumentFacts,
    ElementFacts,
    HsLineFacts,
    MeasureFacts,
    MethodSettings,
    PartyFacts,
    ProducerFacts,
    QuotaFacts,
    QuotaFallbackFacts,
    SourceFacts,
    SuspensionFacts,
    WatchEntryFacts,
    canonical_json,
)
from method.screening import party_identifiers
from registry.choices import CalendarDayKind, ListVersionStatus
from registry.models import (
    ApprovedListEntry,
    ApprovedListVersion,
    CalendarDay,
    DestinationRestriction,
    HolidayNotice,
    HSCode,
    Measure,
    Producer,
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    QuotaUtilisation,
    Suspension,
)
from registry.selectors import batches_label, weakest_confidence
from shipments.models import Case

_INPUT_FIELDS = {
    "as_of",
    "today",
    "case",
    "calendar",
    "measures",
    "approved_list",
    "quotas",
    "destination_restrictions",
    "watch_candidates",
    "settings",
    "dispositions",
}
_NOT_LISTED = ("not_listed", "")
# The licence factor counts 45 working days from the application (or from today when none
# was made); 120 calendar days cover that even across the October and New Year holidays.
CALENDAR_SPAN = dt.timedelta(days=120)


def _rows_confidence(confidences: list[str], cycle_confidence: str) -> str:
    """How a sum of allocation rows is known: '' when every row is as its cycle, else the
    weakest row's (a blank row counting as the cycle's)."""
    if not any(confidences):
        return ""
    return weakest_confidence(c or cycle_confidence for c in confidences)


def measures_for_facts() -> QuerySet[Measure]:
    """Every measure with what `measure_facts_build` reads prefetched, by id."""
    return Measure.objects.prefetch_related(
        "elements",
        Prefetch(
            "suspensions",
            queryset=Suspension.objects.select_related("suspended_by").order_by("starts_on", "pk"),
        ),
    ).order_by("pk")


def measure_facts_build(m: Measure) -> MeasureFacts:
    """The method's facts of one measure (elements and suspensions prefetched)."""
    suspensions = tuple(
        SuspensionFacts(
            by_key=s.suspended_by.key if s.suspended_by else "",
            by_title=s.suspended_by.title if s.suspended_by else (s.note or "suspension"),
            starts_on=s.starts_on,
            ends_on=s.ends_on,
        )
        for s in m.suspensions.all()
    )
    return MeasureFacts(
        id=m.pk,
        key=m.key,
        title=m.title,
        layers=tuple(m.layers),
        effective_from=m.effective_from,
        elements=tuple(sorted(e.symbol for e in m.elements.all())),
        forms=tuple(m.forms),
        hs_codes=tuple(m.hs_codes),
        effective_to=m.effective_to,
        suspensions=suspensions,
        confidence=m.confidence,
    )


def method_settings() -> MethodSettings:
    return MethodSettings(
        strong_match=float(settings.LODESTONE_SCREENING_STRONG_MATCH),
        weak_match=float(settings.LODESTONE_SCREENING_WEAK_MATCH),
        licence_review_working_days=getattr(settings, "LODESTONE_LICENCE_REVIEW_WORKING_DAYS", 45),
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class _Cycle:
    id: int
    year: int
    published: bool
    confidence: str
    # holder group id -> (kind, category) -> [(tonnes | None, row confidence) per batch row]
    rows: dict[int, dict[tuple[str, str], list[tuple[float | None, str]]]] = field(
        default_factory=dict
    )
    batches: dict[int, set[int]] = field(default_factory=dict)  # group id -> batch numbers
    numbers: set[int] = field(default_factory=set)  # every batch the cycle has
    used: dict[tuple[int, str, str], float] = field(default_factory=dict)

    def full_year_for(self, group_id: int) -> bool:
        """Whether the group has rows in every batch of the cycle (a year's whole quota)."""
        held = self.batches.get(group_id, set())
        return bool(held) and self.numbers <= held


@dataclass(frozen=True)
class StoredInputs:
    row: dict  # the case's own inputs: the snapshot row's `inputs`
    part: dict  # the reference part, stored once as a ReferencePart
    part_digest: str
    inputs_hash: str  # of the whole inputs: `AssessmentInputs.inputs_hash()`


@dataclass
class ReferenceData:
    """The reference data every case's inputs draw on, loaded with a fixed set of queries."""

    measures: list[tuple[MeasureFacts, list[int]]]  # facts, ids of suspending measures
    list_versions: list[ApprovedListVersion]  # published, oldest effective first
    list_effective: list[dt.date]
    list_entries: dict[tuple[int, int], tuple[str, str]]  # (version, producer) -> status, note
    groups: dict[int, ProducerGroup]
    producers: dict[int, tuple[str, int | None, str, str]]  # id -> name, group, kind, conf.
    hs_lines: dict[str, HsLineFacts]
    destinations: dict[str, tuple[DestinationFacts, ...]]  # by country
    cycles: dict[int, _Cycle]  # by year
    holidays: list[dt.date]
    makeups: list[dt.date]
    statutory: list[dt.date]  # derived days off, only of years with no notice
    known_years: tuple[int, ...]
    watch: WatchIndex
    method: MethodSettings
    _calendars: dict[tuple[dt.date, dt.date], CalendarFacts] = field(default_factory=dict)
    _encoded: dict[int, tuple[Any, dict]] = field(default_factory=dict)
    _in_scope: dict[tuple[str, str, frozenset[str]], list[tuple[MeasureFacts, list[int]]]] = field(
        default_factory=dict
    )
    _producer_facts: dict[tuple[int, dt.date], ProducerFacts] = field(default_factory=dict)
    _quotas: dict[tuple[int, int], tuple[QuotaFacts, list[int]]] = field(default_factory=dict)
    _groups_by_key: dict[str, ProducerGroup] | None = None
    _parts: dict[tuple, tuple[Any, tuple]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, producer_ids: Iterable[int] | None = None) -> ReferenceData:
        measures = []
        for m in measures_for_facts():
            facts = measure_facts_build(m)
            by = sorted({s.suspended_by_id for s in m.suspensions.all() if s.suspended_by_id})
            measures.append((facts, by))

        versions = list(
            ApprovedListVersion.objects.filter(status=ListVersionStatus.PUBLISHED).order_by(
                "effective_from", "published_at", "pk"
            )
        )
        entries_qs = ApprovedListEntry.objects.filter(version__status=ListVersionStatus.PUBLISHED)
        if producer_ids is not None:
            entries_qs = entries_qs.filter(producer_id__in=list(producer_ids))
        entries = {
            (v, p): (s, n)
            for v, p, s, n in entries_qs.values_list("version_id", "producer_id", "status", "note")
        }

        groups = {g.pk: g for g in ProducerGroup.objects.all()}
        producers = {
            pk: (name, group_id, kind, confidence)
            for pk, name, group_id, kind, confidence in Producer.objects.values_list(
                "pk", "name_en", "group_id", "kind", "confidence"
            )
        }
        hs_lines = {}
        for code in HSCode.objects.prefetch_related("elements"):
            hs_lines[code.code] = HsLineFacts(
                code=code.code,
                form=code.form,
                description=code.description,
                elements=tuple(sorted(e.symbol for e in code.elements.all())),
                # hs_codes.yaml names the ">= 30% medium-heavy" lines only in the description.
                medium_heavy="medium-heavy" in code.description.lower(),
            )
        destinations: dict[str, list[DestinationFacts]] = {}
        for r in DestinationRestriction.objects.order_by("country", "effective_from", "pk"):
            destinations.setdefault(r.country, []).append(
                DestinationFacts(
                    id=r.pk,
                    country=r.country,
                    regime=r.regime,
                    scope=r.scope,
                    severity=r.severity,
                    title=r.title,
                    instrument=r.instrument,
                    effective_from=r.effective_from,
                    effective_to=r.effective_to,
                    confidence=r.confidence,
                )
            )
        for g in groups.values():
            if g.successor_id in groups:
                g.successor = groups[g.successor_id]  # wire the chain: quota_holder() is free

        cycles: dict[int, _Cycle] = {
            c.year: _Cycle(c.pk, c.year, c.published, c.confidence)
            for c in QuotaCycle.objects.all()
        }
        by_id = {c.id: c for c in cycles.values()}
        for cycle_id, number in QuotaBatch.objects.values_list("cycle_id", "number"):
            by_id[cycle_id].numbers.add(number)
        for (
            cycle_id,
            number,
            group_id,
            kind,
            category,
            tonnes,
            confidence,
        ) in QuotaAllocation.objects.values_list(
            "batch__cycle_id",
            "batch__number",
            "group_id",
            "kind",
            "category",
            "tonnes",
            "confidence",
        ).order_by("batch__cycle_id", "batch__number", "pk"):
            cycle = by_id[cycle_id]
            cycle.rows.setdefault(group_id, {}).setdefault((kind, category), []).append(
                (_float(tonnes), confidence)
            )
            cycle.batches.setdefault(group_id, set()).add(number)
        # Latest report per (cycle, group, kind, category): ordered newest first.
        for cycle_id, group_id, kind, category, used in QuotaUtilisation.objects.order_by(
            "-reported_on", "-pk"
        ).values_list("cycle_id", "group_id", "kind", "category", "tonnes_used"):
            by_id[cycle_id].used.setdefault((group_id, kind, category), float(used))

        known = tuple(sorted(HolidayNotice.objects.values_list("year", flat=True)))
        days: dict[str, list[dt.date]] = {kind: [] for kind in CalendarDayKind.values}
        for day, kind in CalendarDay.objects.order_by("date").values_list("date", "kind"):
            days[kind].append(day)
        # A derived day of a year whose notice is loaded is superseded by the notice.
        statutory = [d for d in days[CalendarDayKind.STATUTORY] if d.year not in known]

        return cls(
            measures=measures,
            list_versions=versions,
            list_effective=[v.effective_from for v in versions],
            list_entries=entries,
            groups=groups,
            producers=producers,
            hs_lines=hs_lines,
            destinations={k: tuple(v) for k, v in destinations.items()},
            cycles=cycles,
            holidays=days[CalendarDayKind.HOLIDAY],
            makeups=days[CalendarDayKind.MAKEUP_WORKDAY],
            statutory=statutory,
            known_years=known,
            watch=watch_index(),
            method=method_settings(),
        )

    # -- pieces of one case's inputs

    def list_version_on(self, day: dt.date) -> ApprovedListVersion | None:
        # The latest published version in force on `day`; ties: the last published wins.
        i = bisect.bisect_right(self.list_effective, day)
        return self.list_versions[i - 1] if i else None

    def calendar(self, lo: dt.date, hi: dt.date) -> CalendarFacts:
        # Whole months, so that cases share (and the method caches) a few calendar objects.
        start = lo.replace(day=1)
        end_month = hi.replace(day=1) + dt.timedelta(days=32)
        end = end_month.replace(day=1)
        key = (start, end)
        cal = self._calendars.get(key)
        if cal is None:

            def window(days: list[dt.date]) -> tuple[dt.date, ...]:
                return tuple(days[bisect.bisect_left(days, start) : bisect.bisect_left(days, end)])

            cal = CalendarFacts(
                holidays=window(self.holidays),
                makeup_workdays=window(self.makeups),
                known_years=self.known_years,
                statutory_days=window(self.statutory),
            )
            self._calendars[key] = cal
        return cal

    @property
    def groups_by_key(self) -> dict[str, ProducerGroup]:
        if self._groups_by_key is None:
            self._groups_by_key = {g.key: g for g in self.groups.values()}
        return self._groups_by_key

    def quota_shared(self, holder: ProducerGroup, year: int) -> tuple[QuotaFacts, list[int]]:
        """`quota(holder, year)`, built once per batch: the cases of one holder and year
        share it (and `inputs_dict` then encodes it once)."""
        key = (holder.pk, year)
        hit = self._quotas.get(key)
        if hit is None:
            hit = self._quotas[key] = self.quota(holder, year)
        return hit

    def quota(self, holder: ProducerGroup | None, year: int) -> tuple[QuotaFacts, list[int]]:
        """The as-of year's cycle for one holder, every row it records (an unpublished
        cycle's too, each with its own confidence), and the fallback: the latest published
        full year of the holder before it (rows in every batch), else the latest published
        year with any rows. The fallback carries no utilisation: use is only ever of the
        cycle judged."""
        cycle = self.cycles.get(year)
        ids = [cycle.id] if cycle else []
        allocations = self._allocations(cycle, holder.pk) if cycle and holder else ()
        fallback = None
        if holder is not None:
            fallback = self._fallback(holder.pk, year, cycle)
            if fallback is not None:
                ids.append(fallback.cycle_id)
        facts = QuotaFacts(
            cycle_year=year,
            holder_key=holder.key if holder else "",
            cycle_id=cycle.id if cycle else None,
            published=cycle.published if cycle else False,
            confidence=cycle.confidence if cycle else "estimated",
            allocations=allocations,
            fallback=fallback,
        )
        return facts, ids

    def _fallback(
        self, group_id: int, year: int, wanted: _Cycle | None
    ) -> QuotaFallbackFacts | None:
        candidates = [
            c
            for y, c in sorted(self.cycles.items(), reverse=True)
            if y <= year and c is not wanted and c.published and group_id in c.rows
        ]
        full = next((c for c in candidates if c.full_year_for(group_id)), None)
        chosen = full or (candidates[0] if candidates else None)
        if chosen is None:
            return None
        batches = batches_label(sorted(chosen.batches[group_id]))
        label = f"{chosen.year} (full year, {batches})" if full else f"{chosen.year} {batches}"
        return QuotaFallbackFacts(
            year=chosen.year,
            cycle_id=chosen.id,
            label=label,
            allocations=self._allocations(chosen, group_id, utilisation=False),
            confidence=chosen.confidence,
        )

    @staticmethod
    def _allocations(
        cycle: _Cycle, group_id: int, *, utilisation: bool = True
    ) -> tuple[AllocationFacts, ...]:
        out = []
        for (kind, category), rows in sorted(cycle.rows.get(group_id, {}).items()):
            tonnes = [t for t, _ in rows]
            # One unknown batch volume makes the year's total unknown (the cautious reading).
            total = None if any(t is None for t in tonnes) else sum(tonnes)  # type: ignore[arg-type]
            out.append(
                AllocationFacts(
                    kind=kind,
                    category=category,
                    tonnes=total,
                    utilised_tonnes=(
                        cycle.used.get((group_id, kind, category)) if utilisation else None
                    ),
                    confidence=_rows_confidence([c for _, c in rows], cycle.confidence),
                )
            )
        return tuple(out)

    def inputs_dict(self, inputs: AssessmentInputs) -> dict:
        """`inputs.to_dict()`, reusing the encoding of the parts cases share (measures,
        calendar, watch entries, settings): same value, a fraction of the time."""
        if {f.name for f in dataclasses.fields(AssessmentInputs)} != _INPUT_FIELDS:
            return inputs.to_dict()  # the method's inputs grew: take the generic path

        def shared(obj: Any) -> dict:
            hit = self._encoded.get(id(obj))
            if hit is None or hit[0] is not obj:
                hit = (obj, obj.to_dict())  # holding obj keeps its id from being reused
                self._encoded[id(obj)] = hit
            return hit[1]

        return {
            "as_of": inputs.as_of.isoformat(),
            "today": inputs.today.isoformat(),
            "case": inputs.case.to_dict(),
            "calendar": shared(inputs.calendar),
            "measures": [shared(m) for m in inputs.measures],
            "approved_list": inputs.approved_list.to_dict() if inputs.approved_list else None,
            "quotas": [shared(quota) for quota in inputs.quotas],
            "destination_restrictions": [shared(d) for d in inputs.destination_restrictions],
            "watch_candidates": [shared(w) for w in inputs.watch_candidates],
            "settings": shared(inputs.settings),
            "dispositions": [d.to_dict() for d in inputs.dispositions],
        }

    def stored_inputs(self, inputs: AssessmentInputs) -> StoredInputs:
        """The inputs as a snapshot stores them (assessments.snapshots): the case's own part,
        the reference part with its digest, and `inputs.inputs_hash()`. The reference part of
        cases judged against the same shared objects is split, serialised and hashed once;
        the whole inputs' canonical JSON is spliced from the pieces, not serialised again."""
        whole = self.inputs_dict(inputs)
        row, part = snapshots.split(whole)
        key = (
            id(inputs.calendar),
            tuple(map(id, inputs.measures)),
            inputs.approved_list,
            tuple(map(id, inputs.quotas)),
            tuple(map(id, inputs.destination_restrictions)),
            tuple(map(id, inputs.watch_candidates)),
            id(inputs.settings),
        )
        hit = self._parts.get(key)
        if hit is None or hit[0] is not inputs.calendar:
            pieces = {name: canonical_json(value) for name, value in part.items()}
            digest = hashlib.sha256(snapshots.spliced_json(pieces).encode("utf-8")).hexdigest()
            # Holding the objects keeps their ids from being reused while the key lives.
            hit = (inputs.calendar, (inputs, part, pieces, digest))
            self._parts[key] = hit
        _, part, pieces, digest = hit[1]
        own = {name: canonical_json(value) for name, value in row.items()}
        text = snapshots.spliced_json({**pieces, **own})
        return StoredInputs(
            row=row,
            part=part,
            part_digest=digest,
            inputs_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )

    def producer_facts(self, producer_id: int, as_of: dt.date) -> ProducerFacts:
        key = (producer_id, as_of)
        facts = self._producer_facts.get(key)
        if facts is None:
            name, group_id, kind, confidence = self.producers[producer_id]
            group = self.groups.get(group_id) if group_id else None
            holder = group.quota_holder(on=as_of) if group else None
            facts = ProducerFacts(
                id=producer_id,
                name=name,
                group_key=group.key if group else "",
                group_name=group.name if group else "",
                quota_holder_key=holder.key if holder else None,
                quota_holder_name=holder.name if holder else None,
                kind=kind,
                confidence=confidence,
            )
            self._producer_facts[key] = facts
        return facts

    def _with_disposition_entries(
        self, watch: tuple[WatchEntryFacts, ...], dispositions: tuple[DispositionFacts, ...]
    ) -> tuple[WatchEntryFacts, ...]:
        """The candidates plus each screening disposition's entry (the method needs it to
        judge the disposition even when screening no longer proposes the entry)."""
        have = {entry.id for entry in watch}
        extra = [
            entry
            for d in dispositions
            if d.entry_id is not None and d.entry_id not in have
            for entry in [self.watch.entry(d.entry_id)]
            if entry is not None
        ]
        if not extra:
            return watch
        return tuple(sorted({e.id: e for e in (*watch, *extra)}.values(), key=lambda e: e.id))

    def build(self, case: Case, today: dt.date) -> tuple[AssessmentInputs, dict]:
        as_of = case_as_of(case, today)
        elements = tuple(
            ElementFacts(
                symbol=ce.element.symbol,
                quota_category=ce.element.quota_category,
                content_share=_float(ce.content_share),
                family=ce.element.family,
            )
            for ce in sorted(
                _related(case, "assessment_elements", "case_elements"),
                key=lambda ce: ce.element.atomic_number,
            )
        )
        version = self.list_version_on(as_of)
        parties = tuple(
            PartyFacts(
                role=p.role,
                name=p.name,
                country=p.country,
                uscc=p.uscc,
                lei=p.lei,
                registry_number=p.registry_number,
            )
            for p in _related(case, "assessment_parties", "parties")
        )
        sources = []
        holders: dict[str, ProducerGroup] = {}
        for s in _related(case, "assessment_sources", "sources"):
            producer = self.producer_facts(s.producer_id, as_of) if s.producer_id else None
            status, note = ("not_listed", "")
            if producer is not None and version is not None:
                status, note = self.list_entries.get((version.pk, producer.id), _NOT_LISTED)
            if producer is not None and producer.quota_holder_key:
                # producer_facts already followed the successor chain to the holder.
                holders[producer.quota_holder_key] = self.groups_by_key[producer.quota_holder_key]
            sources.append(
                SourceFacts(
                    label=s.label,
                    elements=tuple(s.elements),
                    producer=producer,
                    plant_name=s.plant_name,
                    ore_category=s.ore_category,
                    production_year=s.production_year,
                    evidence=tuple(s.evidence),
                    list_status=status,
                    list_note=note,
                )
            )
        documents = tuple(
            sorted(
                (
                    DocumentFacts(doc_type=d.doc_type, status=d.status, expires_on=d.expires_on)
                    for d in _related(case, "assessment_documents", "documents")
                ),
                key=lambda d: (d.doc_type, d.status, d.expires_on or dt.date.min),
            )
        )
        case_facts = case_facts_build(
            case,
            elements,
            documents,
            parties=parties,
            sources=tuple(sources),
            hs_line=self.hs_lines.get(case.hs_code) if case.hs_code else None,
        )
        # Scope depends only on the HS code, the element symbols and the form: cases share
        # a few such keys, so each is matched against the measures once per batch.
        scope_key = (
            case_facts.hs_code,
            case_facts.product_form,
            frozenset(element.symbol for element in elements),
        )
        measures = self._in_scope.get(scope_key)
        if measures is None:
            measures = [
                (facts, by)
                for facts, by in self.measures
                if applicability.scope_matches(facts, case_facts)
            ]
            self._in_scope[scope_key] = measures
        approved = None
        if version is not None:
            approved = ApprovedListFacts(
                version_id=version.pk,
                label=version.label,
                effective_from=version.effective_from,
                confidence=version.confidence,
            )
        quotas, cycle_ids = [], set()
        for key in sorted(holders):
            quota, ids = self.quota_shared(holders[key], as_of.year)
            quotas.append(quota)
            cycle_ids.update(ids)
        if not quotas and as_of.year in self.cycles:
            cycle_ids.add(self.cycles[as_of.year].id)
        # The licence clock starts on the day applied (the record's, for a case with one).
        start = case_facts.licence.applied_on or today
        calendar = self.calendar(min(start, today), max(start, today) + CALENDAR_SPAN)
        watch = self.watch.candidates(
            [p.name for p in parties],
            self.method,
            [pair for p in parties for pair in party_identifiers(p)],
        )
        dispositions = tuple(
            disposition_facts(d)
            for d in _related(case, "assessment_dispositions", "dispositions")
            if d.status == DispositionStatus.APPROVED
        )
        watch = self._with_disposition_entries(watch, dispositions)
        destinations = self.destinations.get(case.destination, ())
        inputs = AssessmentInputs(
            as_of=as_of,
            today=today,
            case=case_facts,
            calendar=calendar,
            measures=tuple(facts for facts, _ in measures),
            approved_list=approved,
            quotas=tuple(quotas),
            destination_restrictions=destinations,
            watch_candidates=watch,
            settings=self.method,
            dispositions=dispositions,
        )
        measure_ids = sorted(
            {facts.id for facts, _ in measures} | {i for _, by in measures for i in by}
        )
        versions = {
            "list_version": version.pk if version else None,
            "quota_cycles": sorted(cycle_ids),
            "measures": measure_ids,
            "destinations": [d.id for d in destinations],
            "watch_lists": {str(k): v.isoformat() for k, v in sorted(self.watch.lists.items())},
            "watch_entries": [e.id for e in watch],
        }
        return inputs, versions

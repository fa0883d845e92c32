"""Facts derived once per assessment and shared by the factors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from method.applicability import MeasureStatus, hs_matches, licence_required, measure_statuses
from method.choices import NON_MATERIAL_FORMS, PARTY_ROLE_LABELS, SEPARATED_FORMS
from method.dispositions import changed_parts, hit_basis, lapsed, reopen_reason
from method.inputs import (
    AssessmentInputs,
    CaseFacts,
    DispositionFacts,
    MeasureFacts,
    PartyFacts,
    SourceFacts,
    WatchEntryFacts,
)
from method.result import DispositionOutcome, Evidence, unverified_suffix
from method.screening import Match, screen_party

# A notice with no recorded effects takes its list's (watch_lists.yaml `lists[*].effect`).
LIST_EFFECTS: dict[str, tuple[str, ...]] = {
    "uel": ("trade_ban",),
    "eccl": ("dual_use_ban",),
    "watch": ("no_general_licence", "risk_assessment", "no_review_deadline"),
}


@dataclass(frozen=True, slots=True)
class Hit:
    """One party matching one party-list entry, with the entry's state on the as-of date."""

    party: PartyFacts
    entry: WatchEntryFacts
    match: Match
    # active | suspended | lapsed (a suspension that ran out: in force again, verify)
    # | measures_terminated | removed
    state: str

    @property
    def effects(self) -> tuple[str, ...]:
        return self.entry.effects or LIST_EFFECTS.get(self.entry.list_key, ())

    @property
    def biting(self) -> bool:
        """The listing's measures are in force for this party and the match is not weak."""
        return self.state in ("active", "lapsed") and self.match.strength != "weak"

    def has(self, effect: str) -> bool:
        return self.biting and effect in self.effects

    @property
    def who(self) -> str:
        return f"the {PARTY_ROLE_LABELS[self.party.role]} '{self.party.name}'"


def entry_state(entry: WatchEntryFacts, as_of: dt.date) -> str:
    if entry.status == "suspended" and entry.suspended_until is not None:
        return "lapsed" if entry.suspended_until <= as_of else "suspended"
    return entry.status


def screen(inputs: AssessmentInputs, as_of: dt.date) -> tuple[Hit, ...]:
    """Every party against the candidate entries (DOMAIN, second edition)."""
    entries = inputs.watch_candidates
    by_id = {entry.id: entry for entry in entries}
    hits = []
    for party in inputs.case.parties:
        if not party.name.strip():
            continue
        for match in screen_party(party, entries, inputs.settings):
            entry = by_id[match.entry_id]
            hits.append(Hit(party, entry, match, entry_state(entry, as_of)))
    return tuple(hits)


@dataclass(frozen=True, slots=True)
class DecidedHit:
    """A screening hit an approved disposition decided (cleared or confirmed)."""

    hit: Hit
    disposition: DispositionFacts


def disposition_check(
    disposition: DispositionFacts, today: dt.date, basis: tuple[tuple[str, str], ...]
) -> DispositionOutcome | None:
    """Lapsed or reopened (with why), or None when it is still in force on `basis`."""
    if lapsed(disposition, today):
        return DispositionOutcome(
            disposition.id, "lapsed", f"its expiry date {disposition.expires_on} has come"
        )
    parts = changed_parts(disposition.basis, basis)
    if parts:
        return DispositionOutcome(disposition.id, "reopened", reopen_reason(parts))
    return None


def _confirmed(hit: Hit) -> Hit:
    match = Match(
        hit.match.entry_id,
        hit.match.matched_name,
        hit.match.score,
        "strong",
        hit.match.route,
        "confirmed as the listed party by an approved disposition",
    )
    return Hit(hit.party, hit.entry, match, hit.state)


def screening_decided(
    inputs: AssessmentInputs, hits: tuple[Hit, ...]
) -> tuple[tuple[Hit, ...], tuple[DecidedHit, ...], tuple[DispositionOutcome, ...]]:
    """Apply the approved screening dispositions to the raw hits: a false positive drops
    its hit, a confirmed match makes it strong. A disposition whose entry or party changed
    (names, aliases, identifiers, status) reopens and does not apply.

    A confirmed match whose party no longer scores against the entry still binds: the
    officer decided the party is the listed one (the entry is in the candidates)."""
    screening = [d for d in inputs.dispositions if d.kind != "risk_accepted"]
    if not screening:
        return hits, (), ()
    by_key = {(hit.entry.id, hit.party.role, hit.party.name): hit for hit in hits}
    by_role: dict[tuple[int, str], Hit] = {}
    for hit in hits:
        by_role.setdefault((hit.entry.id, hit.party.role), hit)
    entries = {entry.id: entry for entry in inputs.watch_candidates}
    kept = list(hits)
    decided: list[DecidedHit] = []
    outcomes: list[DispositionOutcome] = []
    for disposition in screening:
        entry_id = disposition.entry_id or -1
        hit = by_key.get((entry_id, disposition.party_role, disposition.party_name))
        # The party renamed: the same role's hit on the entry (its basis then reopens it).
        hit = hit or by_role.get((entry_id, disposition.party_role))
        if hit is None:
            hit = _unscored_hit(inputs, disposition, entries)
            if hit is None:
                outcomes.append(DispositionOutcome(disposition.id, "idle"))
                continue
            if disposition.kind == "false_positive":
                outcomes.append(DispositionOutcome(disposition.id, "idle"))
                continue
        problem = disposition_check(disposition, inputs.today, hit_basis(hit.entry, hit.party))
        if problem is not None:
            outcomes.append(problem)
            continue
        if hit in kept:
            kept.remove(hit)
        if disposition.kind == "confirmed_match":
            kept.append(_confirmed(hit))
        decided.append(DecidedHit(hit, disposition))
        outcomes.append(DispositionOutcome(disposition.id, "applied"))
    return tuple(kept), tuple(decided), tuple(outcomes)


def _unscored_hit(
    inputs: AssessmentInputs,
    disposition: DispositionFacts,
    entries: dict[int, WatchEntryFacts],
) -> Hit | None:
    """The hit a disposition was made on, when screening no longer proposes it: the party
    (role and name as decided) and the entry must still be there."""
    entry = entries.get(disposition.entry_id or -1)
    in_role = inputs.case.parties_in(disposition.party_role)
    party = next((p for p in in_role if p.name == disposition.party_name), None)
    party = party or next(iter(in_role), None)
    if entry is None or party is None:
        return None
    match = Match(entry.id, entry.name, 0.0, "weak", "name_score", "no longer scores")
    return Hit(party, entry, match, entry_state(entry, inputs.as_of))


@dataclass(frozen=True, slots=True)
class TechnologyRoute:
    """What a technology export's classification means on the as-of date."""

    # unclassified | prohibited | technology_licence | dual_use_licence | not_controlled
    route: str
    status: MeasureStatus | None = None  # the listing measure's status


@dataclass(frozen=True, slots=True)
class QuotaBasis:
    """Which quota an upstream source's lawful output depends on."""

    kind: str  # mining (ore) | smelting (separated products)
    category: str  # light | ionic | any (imported ore: any smelting allocation)
    assumed: bool = False  # the category came from the element, not the source's ore


@dataclass(frozen=True, slots=True)
class Context:
    inputs: AssessmentInputs
    statuses: tuple[MeasureStatus, ...]
    licence_required: bool
    quota_basis: QuotaBasis | None  # None: equipment, technology, or no quota element
    hits: tuple[Hit, ...] = ()
    technology: TechnologyRoute | None = None  # technology form only
    # Hits an approved disposition cleared or confirmed, and what became of every
    # screening disposition (the raw context has neither).
    decided_hits: tuple[DecidedHit, ...] = ()
    screening_outcomes: tuple[DispositionOutcome, ...] = ()

    def hits_with(self, effect: str) -> tuple[Hit, ...]:
        return tuple(hit for hit in self.hits if hit.has(effect))

    @property
    def passed_ship_date(self) -> dt.date | None:
        planned = self.case.planned_ship_date
        return planned if planned is not None and planned < self.as_of else None

    @property
    def case(self) -> CaseFacts:
        return self.inputs.case

    @property
    def as_of(self) -> dt.date:
        return self.inputs.as_of


def _kind(case: CaseFacts) -> str | None:
    if case.product_form == "ore":
        return "mining"
    if case.product_form in SEPARATED_FORMS:
        return "smelting"
    return None


def quota_basis(case: CaseFacts) -> QuotaBasis | None:
    """The case-level basis: whether any declared element sits under a quota category."""
    kind = _kind(case)
    if kind is None:
        return None
    categories = {element.quota_category for element in case.elements}
    if "ionic" in categories:
        return QuotaBasis(kind, "ionic", assumed=True)
    if "light" in categories:
        return QuotaBasis(kind, "light", assumed=True)
    return None


def is_by_product(source: SourceFacts, case: CaseFacts) -> bool:
    """Outside the quota system: declared a by-product, or only non-quota elements (Sc)."""
    if source.ore_category == "by_product":
        return True
    categories = {e.quota_category for e in case.elements if e.symbol in source.elements}
    return bool(categories) and categories == {"none"}


def source_basis(source: SourceFacts, case: CaseFacts) -> QuotaBasis | None:
    """Which allocation a source's material needs: from its ore where declared, else from
    its elements (DOMAIN, second edition: "assumed from the element")."""
    kind = _kind(case)
    if kind is None or is_by_product(source, case):
        return None
    if source.ore_category in ("light", "ionic"):
        return QuotaBasis(kind, source.ore_category)
    if source.ore_category == "imported":
        # Mined abroad: no Chinese mining quota; its separation counts under the smelting
        # indicator (Order No. 71), whatever the category.
        return QuotaBasis("smelting", "any") if kind == "smelting" else None
    categories = {e.quota_category for e in case.elements if e.symbol in source.elements}
    if "ionic" in categories:
        return QuotaBasis(kind, "ionic", assumed=True)
    if "light" in categories or not categories:
        return QuotaBasis(kind, "light", assumed=True)
    return None


def unsourced(case: CaseFacts, *, quota_only: bool = False) -> list[str]:
    """Declared elements that no upstream source covers (only those under the quota
    system when `quota_only`: a by-product such as Sc needs a source, not a quota)."""
    covered = {symbol for source in case.sources for symbol in source.elements}
    return [
        element.symbol
        for element in case.elements
        if element.symbol not in covered and not (quota_only and element.quota_category == "none")
    ]


def is_material(case: CaseFacts) -> bool:
    return case.product_form not in NON_MATERIAL_FORMS


def _technology(
    case: CaseFacts, statuses: tuple[MeasureStatus, ...]
) -> tuple[tuple[MeasureStatus, ...], TechnologyRoute | None]:
    """A technology case is judged by the catalogue item it is classified under: a
    technology measure applies to it only as the measure listing that item (the 2023
    catalogue's prohibited or restricted items, No. 62's 1E902 codes)."""
    if case.product_form != "technology":
        return statuses, None
    item = case.technology
    kept, own = [], None
    for status in statuses:
        if status.has_layer("technology"):
            if item is None or status.measure.key != item.measure_key:
                continue  # not the classification's measure: it does not reach this case
            own = status
        kept.append(status)
    if item is None:
        return tuple(kept), TechnologyRoute("unclassified")
    if own is None or not own.applies:
        return tuple(kept), TechnologyRoute("not_controlled", own)
    route = {
        "prohibited": "prohibited",
        "restricted": "technology_licence",
        "dual_use": "dual_use_licence",
    }[item.klass]
    return tuple(kept), TechnologyRoute(route, own)


def build_context(inputs: AssessmentInputs, *, decided: bool = True) -> Context:
    """The shared facts; `decided=False` ignores every disposition (the raw assessment)."""
    statuses = measure_statuses(inputs.measures, inputs.case, inputs.as_of)
    statuses, technology = _technology(inputs.case, statuses)
    required = licence_required(statuses)
    if technology is not None:
        # Prohibited: no licence path. Restricted: a technology export licence. 1E902: the
        # dual-use licence of No. 62 (its "licence" layer).
        required = technology.route in ("technology_licence", "dual_use_licence")
    hits = screen(inputs, inputs.as_of)
    decided_hits: tuple[DecidedHit, ...] = ()
    outcomes: tuple[DispositionOutcome, ...] = ()
    if decided:
        hits, decided_hits, outcomes = screening_decided(inputs, hits)
    return Context(
        inputs=inputs,
        statuses=statuses,
        licence_required=required,
        quota_basis=quota_basis(inputs.case),
        hits=hits,
        technology=technology,
        decided_hits=decided_hits,
        screening_outcomes=outcomes,
    )


def _window(start: dt.date, end: dt.date | None) -> str:
    return f"{start} to {end}" if end else f"in force from {start}"


def _matched(measure: MeasureFacts, case: CaseFacts) -> str:
    if hs_matches(case.hs_code, measure.hs_codes):
        return f"HS {case.hs_code} under {', '.join(measure.hs_codes)}"
    parts = []
    symbols = [e.symbol for e in case.elements if e.symbol in measure.elements]
    if symbols:
        parts.append("elements " + ", ".join(symbols))
    if measure.forms and case.product_form in measure.forms:
        parts.append(f"form {case.product_form}")
    if case.technology is not None and case.technology.measure_key == measure.key:
        parts.append(f"classified as '{case.technology.title}'")
    return "; ".join(parts)


def suspension_text(status: MeasureStatus) -> str:
    if status.suspended_by is not None:
        until = f" until {status.suspended_by.ends_on}" if status.suspended_by.ends_on else ""
        return f"suspended by {short_title(status.suspended_by.by_title)}{until}"
    if status.lapsed is not None:
        return (
            f"suspension by {short_title(status.lapsed.by_title)} lapsed on "
            f"{status.lapsed.ends_on} - verify"
        )
    return ""


def measure_evidence(
    measure: MeasureFacts, case: CaseFacts | None = None, status: MeasureStatus | None = None
) -> Evidence:
    code = ""
    if (
        case is not None
        and case.technology is not None
        and case.technology.measure_key == measure.key
    ):
        code = case.technology.control_code
    return Evidence(
        "measure",
        str(measure.id),
        measure.title + unverified_suffix(measure.confidence),
        instrument=measure.title,
        layer=", ".join(measure.layers),
        window=_window(measure.effective_from, measure.effective_to),
        suspension=suspension_text(status) if status is not None else "",
        matched=_matched(measure, case) if case is not None else "",
        control_code=code,
        data_version=measure.key,
        confidence="unverified" if unverified_suffix(measure.confidence) else measure.confidence,
    )


def status_evidence(status: MeasureStatus, ctx: Context) -> Evidence:
    return measure_evidence(status.measure, ctx.case, status)


def element_list(case: CaseFacts) -> str:
    symbols = [element.symbol for element in case.elements]
    return ", ".join(symbols) if symbols else "no declared elements"


def short_title(title: str) -> str:
    """'MOFCOM/GACC Announcement No. 18 of 2025 (medium ...)' -> the part before '('."""
    return title.split(" (", 1)[0].strip() or title


def joined(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

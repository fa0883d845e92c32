"""Hypothesis strategies for whole assessment inputs, around the reference facts."""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from method import (
    AllocationFacts,
    AssessmentInputs,
    CaseFacts,
    DocumentFacts,
    LicenceFacts,
    MethodSettings,
    PartyFacts,
    QuotaFacts,
    SourceFacts,
)
from method.choices import (
    ALLOCATION_CATEGORIES,
    ALLOCATION_KINDS,
    DOCUMENT_STATUSES,
    END_USES,
    INDIVIDUAL_LICENCE_DOCUMENTS,
    LICENCE_STATUSES,
    LIST_CONFIDENCES,
    ORE_CATEGORIES,
    PARTY_ROLES,
    PRODUCER_LIST_STATUSES,
    PRODUCT_FORMS,
    QUOTA_CONFIDENCES,
    SOURCE_EVIDENCE,
)
from tests.method.reference_facts import (
    CALENDAR,
    DESTINATIONS,
    FALLBACK_2024,
    GOLDEN_DRAGON,
    HUAMEI,
    JL_MAG,
    MEASURES,
    QUOTA_CATEGORY,
    WATCH_ENTRIES,
    D,
    approved_list,
    elements,
)

ORPHAN = dataclasses.replace(GOLDEN_DRAGON, id=103, quota_holder_key=None, quota_holder_name=None)
dates = st.dates(D("2024-01-01"), D("2027-06-30"))
maybe_dates = st.none() | dates
tonnes = st.none() | st.floats(0, 200_000, allow_nan=False, allow_infinity=False)
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
parties = (
    st.sampled_from(
        ["", "Acme Motors GmbH", "Lockheed Martin Corp", "Gibbs&Cox, Inc.", "JMU", "Aero Vironment"]
    )
    | text
)

licences = st.builds(
    LicenceFacts,
    status=st.sampled_from(LICENCE_STATUSES),
    number=st.sampled_from(["", "LIC-1"]),
    applied_on=maybe_dates,
    valid_until=maybe_dates,
    general_licence=st.booleans(),
)
documents = st.lists(
    st.builds(
        DocumentFacts,
        doc_type=st.sampled_from((*INDIVIDUAL_LICENCE_DOCUMENTS, "other_mofcom_request")),
        status=st.sampled_from(DOCUMENT_STATUSES),
        expires_on=maybe_dates,
    ),
    max_size=10,
).map(tuple)
party_facts = st.lists(
    st.builds(
        PartyFacts,
        role=st.sampled_from(PARTY_ROLES),
        name=parties,
        country=st.sampled_from(["", "CN", "DE", "US"]),
        uscc=st.sampled_from(["", "91360700MA35XXXX1K"]),
    ),
    max_size=5,
).map(tuple)
symbol_lists = st.lists(
    st.sampled_from(sorted(QUOTA_CATEGORY)), min_size=1, max_size=4, unique=True
)


def _sources_for(symbols: list[str]) -> st.SearchStrategy[tuple[SourceFacts, ...]]:
    one = st.builds(
        SourceFacts,
        label=st.just("src"),
        elements=st.lists(st.sampled_from(symbols), min_size=1, unique=True).map(tuple),
        producer=st.sampled_from([None, HUAMEI, GOLDEN_DRAGON, ORPHAN, JL_MAG]),
        plant_name=st.sampled_from(["", "Some plant"]),
        ore_category=st.sampled_from(("", *ORE_CATEGORIES)),
        production_year=st.none() | st.integers(2023, 2027),
        evidence=st.lists(st.sampled_from(SOURCE_EVIDENCE), max_size=3, unique=True).map(tuple),
        list_status=st.sampled_from(PRODUCER_LIST_STATUSES),
    )
    return st.lists(one, max_size=3).map(tuple)


@st.composite
def cases(draw: st.DrawFn) -> CaseFacts:
    symbols = draw(st.none() | symbol_lists) or []
    return CaseFacts(
        reference="LS-PROP",
        elements=elements(*symbols),
        product_form=draw(st.sampled_from(PRODUCT_FORMS)),
        end_use=draw(st.sampled_from(END_USES)),
        hs_code=draw(st.sampled_from(["", "2846901993", "2805301200", "8505111000"])),
        destination=draw(st.sampled_from(["DE", "US", "JP", "KP"])),
        parties=draw(party_facts),
        sources=draw(_sources_for(symbols)) if symbols else (),
        licence=draw(licences),
        documents=draw(documents),
    )


allocations = st.builds(
    AllocationFacts,
    kind=st.sampled_from(ALLOCATION_KINDS),
    category=st.sampled_from(ALLOCATION_CATEGORIES),
    tonnes=tonnes,
    utilised_tonnes=tonnes,
)
quotas = st.builds(
    QuotaFacts,
    cycle_year=st.integers(2024, 2027),
    holder_key=st.sampled_from(["china-northern", "china-rare-earth-group"]),
    cycle_id=st.none() | st.integers(1, 99),
    published=st.booleans(),
    confidence=st.sampled_from(QUOTA_CONFIDENCES),
    allocations=st.lists(allocations, max_size=4).map(tuple),
    fallback=st.sampled_from([None, *FALLBACK_2024.values()]),
)
inputs = st.builds(
    AssessmentInputs,
    as_of=dates,
    today=dates,
    case=cases(),
    calendar=st.just(CALENDAR),
    measures=st.lists(st.sampled_from(MEASURES), unique=True).map(tuple) | st.just(MEASURES),
    approved_list=st.none() | st.sampled_from(LIST_CONFIDENCES).map(approved_list),
    quotas=st.lists(quotas, max_size=2).map(tuple),
    destination_restrictions=st.just(DESTINATIONS),
    watch_candidates=st.just(WATCH_ENTRIES),
    settings=st.just(MethodSettings()),
)

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
    QuotaFacts,
)
from method.choices import (
    ALLOCATION_CATEGORIES,
    ALLOCATION_KINDS,
    DOCUMENT_STATUSES,
    END_USES,
    INDIVIDUAL_LICENCE_DOCUMENTS,
    LICENCE_STATUSES,
    PRODUCER_LIST_STATUSES,
    PRODUCT_FORMS,
    QUOTA_CONFIDENCES,
)
from tests.method.reference_facts import (
    CALENDAR,
    FALLBACK_2024,
    GOLDEN_DRAGON,
    HUAMEI,
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
cases = st.builds(
    CaseFacts,
    reference=st.just("LS-PROP"),
    elements=st.lists(
        st.sampled_from(sorted(QUOTA_CATEGORY)), min_size=1, max_size=4, unique=True
    ).map(lambda symbols: elements(*symbols)),
    product_form=st.sampled_from(PRODUCT_FORMS),
    end_use=st.sampled_from(END_USES),
    hs_code=st.sampled_from(["", "2846901993", "2805301200", "8505111000"]),
    end_user=parties,
    consignee=parties,
    destination=st.sampled_from(["DE", "US", "JP"]),
    producer=st.sampled_from([None, HUAMEI, GOLDEN_DRAGON, ORPHAN]),
    supplier_text=st.just(""),
    licence=licences,
    documents=documents,
)
allocations = st.builds(
    AllocationFacts,
    kind=st.sampled_from(ALLOCATION_KINDS),
    category=st.sampled_from(ALLOCATION_CATEGORIES),
    tonnes=tonnes,
    utilised_tonnes=tonnes,
)
quotas = st.none() | st.builds(
    QuotaFacts,
    cycle_year=st.integers(2024, 2027),
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
    case=cases,
    calendar=st.just(CALENDAR),
    measures=st.lists(st.sampled_from(MEASURES), unique=True).map(tuple) | st.just(MEASURES),
    approved_list=st.none() | st.sampled_from(PRODUCER_LIST_STATUSES).map(approved_list),
    quota=quotas,
    watch_candidates=st.just(WATCH_ENTRIES),
    settings=st.just(MethodSettings()),
)

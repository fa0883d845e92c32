import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.selectors import (
    assessment_inputs_build,
    assessment_inputs_build_many,
    cases_affected_by,
    cases_for_assessment,
    watch_index,
)
from method import AssessmentInputs, MethodSettings, prefilter
from registry.models import ApprovedListVersion, Producer, QuotaAllocation, QuotaUtilisation
from registry.services.keys import ChangeKeys, group_ids_with_predecessors
from tests.assessments.factories import case_create, change_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)
EARLIER = dt.date(2025, 5, 1)  # before the ship dates of the dated cases


def test_inputs_come_from_the_registry_rows_in_force_on_the_ship_date(world, officer):
    case = case_create(
        officer,
        producer=world.xiamen_plant,
        elements=("Nd", "Dy"),
        ship=dt.date(2025, 6, 1),
        end_user="Lockheed Martin Corp.",
        consignee="Skydio",
    )
    inputs, versions = assessment_inputs_build(case, today=EARLIER)
    assert inputs.as_of == dt.date(2025, 6, 1)
    assert inputs.today == EARLIER
    assert [e.symbol for e in inputs.case.elements] == ["Nd", "Dy"]
    assert {m.key for m in inputs.measures} == {"mofcom-gacc-2025-18"}
    # Xiamen Tungsten was absorbed by China Rare Earth Group before the ship date.
    (source,) = inputs.case.sources
    assert source.producer.group_key == "xiamen-tungsten"
    assert source.producer.quota_holder_key == "creg"
    assert source.producer.kind == "separation_plant"
    assert source.elements == ("Nd", "Dy")
    assert source.evidence == ("supplier_declaration", "invoice")
    assert source.list_status == "approved"
    assert inputs.approved_list.version_id == world.list_2024.pk
    assert inputs.approved_list.confidence == "official"
    # Every party is an input, whatever its role.
    assert {(p.role, p.name) for p in inputs.case.parties} == {
        ("buyer", "Acme Magnets"),
        ("exporter", "Ningbo Exporter Co"),
        ("end_user", "Lockheed Martin Corp."),
        ("consignee", "Skydio"),
    }
    # 2025 is unpublished: its unknown volume is kept and 2024 is the fallback.
    (quota,) = inputs.quotas
    assert quota.holder_key == "creg"
    assert quota.cycle_year == 2025
    assert not quota.published
    assert [(a.kind, a.category, a.tonnes) for a in quota.allocations] == [
        ("smelting", "ionic", None)
    ]
    assert quota.fallback.year == 2024
    assert quota.fallback.label == "2024 (full year, batch 1)"
    assert ("smelting", "ionic", 15000.0) in [
        (a.kind, a.category, a.tonnes) for a in quota.fallback.allocations
    ]
    assert {e.id for e in inputs.watch_candidates} == {world.lockheed.pk, world.skydio.pk}
    assert inputs.calendar.known_years == (2025, 2026)
    assert versions["list_version"] == world.list_2024.pk
    assert versions["quota_cycles"] == sorted([world.cycle_2025.pk, world.cycle_2024.pk])
    assert versions["measures"] == [world.no18.pk]
    assert versions["watch_lists"] == {str(world.uel.pk): "2025-10-09"}
    # The inputs round-trip through JSON.
    assert AssessmentInputs.from_dict(inputs.to_dict()) == inputs


def test_suspended_measure_carries_its_suspension_and_suspender(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Eu",), form="oxide")
    inputs, versions = assessment_inputs_build(case, today=TODAY)
    (measure,) = inputs.measures
    assert measure.key == "mofcom-gacc-2025-57"
    (suspension,) = measure.suspensions
    assert suspension.by_key == "mofcom-gacc-2025-70"
    assert suspension.ends_on == dt.date(2026, 11, 10)
    assert set(versions["measures"]) == {world.no57.pk, world.no70.pk}


def test_allocations_are_summed_over_batches_with_latest_utilisation(world, officer):
    batch2 = world.cycle_2024.batches.create(number=2)
    QuotaAllocation.objects.create(
        batch=batch2, group=world.creg, kind="smelting", category="ionic", tonnes=5000
    )
    for day, used in [(dt.date(2024, 6, 30), 1000), (dt.date(2024, 12, 31), 19000)]:
        QuotaUtilisation.objects.create(
            cycle=world.cycle_2024,
            group=world.creg,
            kind="smelting",
            category="ionic",
            reported_on=day,
            tonnes_used=used,
        )
    case = case_create(
        officer, producer=world.creg_plant, elements=("Dy",), ship=dt.date(2024, 9, 1)
    )
    inputs, _ = assessment_inputs_build(case, today=dt.date(2024, 8, 1))
    (quota,) = inputs.quotas
    row = next(a for a in quota.allocations if (a.kind, a.category) == ("smelting", "ionic"))
    assert row.tonnes == 20000.0
    assert row.utilised_tonnes == 19000.0
    assert quota.published


def test_latest_published_list_version_in_force_is_used(world, officer):
    from django.utils import timezone

    later = ApprovedListVersion.objects.create(
        label="2026 list",
        status="published",
        effective_from=dt.date(2026, 1, 1),
        published_at=timezone.now(),
    )
    later.entries.create(producer=world.creg_plant, status="suspended")
    ApprovedListVersion.objects.create(label="draft", effective_from=dt.date(2025, 12, 1))
    case = case_create(officer, producer=world.creg_plant, ship=dt.date(2026, 3, 1))
    inputs, _ = assessment_inputs_build(case, today=TODAY)
    assert inputs.approved_list.version_id == later.pk
    assert inputs.case.sources[0].list_status == "suspended"
    early = case_create(officer, producer=world.creg_plant, ship=dt.date(2025, 12, 15))
    inputs, _ = assessment_inputs_build(early, today=EARLIER)
    assert inputs.approved_list.version_id == world.list_2024.pk
    # Still open after its ship date: judged as of today, under the 2026 list.
    inputs, _ = assessment_inputs_build(early, today=TODAY)
    assert inputs.as_of == TODAY
    assert inputs.approved_list.version_id == later.pk
    # A trader is the exporter's record, not an upstream source: no source, no quota.
    trader = case_create(officer, producer=world.trader)
    inputs, _ = assessment_inputs_build(trader, today=TODAY)
    assert inputs.case.sources == ()
    assert inputs.quotas == ()
    plain = case_create(officer, producer=world.northern_plant, ship=dt.date(2026, 3, 1))
    inputs, _ = assessment_inputs_build(plain, today=TODAY)
    assert inputs.case.sources[0].list_status == "not_listed"  # not on the 2026 list


def test_batch_build_uses_a_constant_number_of_queries(world, officer):
    for i in range(3):
        case_create(officer, producer=world.creg_plant, end_user=f"Buyer {i}")
    watch_index()  # warm the process cache
    with CaptureQueriesContext(connection) as few:
        assessment_inputs_build_many(list(cases_for_assessment()), TODAY)
    for i in range(20):
        case_create(
            officer, producer=world.northern_plant, documents=["contract"], end_user=f"B{i}"
        )
    with CaptureQueriesContext(connection) as many:
        built = assessment_inputs_build_many(list(cases_for_assessment()), TODAY)
    assert len(built) == 23
    assert len(many) == len(few)


def test_watch_index_agrees_with_screening_prefilter(world, officer):
    settings = MethodSettings()
    index = watch_index(refresh=True)
    for names in [
        ("Lockheed Martin Corp",),
        ("Skydio, Inc", "Lockheed-Martin"),
        ("Acme Motors GmbH", ""),
        ("洛克希德·马丁",),
    ]:
        assert index.candidates(names, settings) == prefilter(names, index.entries, settings)


def _refs(qs):
    return set(qs.values_list("reference", flat=True))


def test_cases_affected_by_producer_and_group_keys(world, officer):
    creg = case_create(officer, producer=world.creg_plant)
    xiamen = case_create(officer, producer=world.xiamen_plant)
    northern = case_create(officer, producer=world.northern_plant)
    case_create(officer, producer=world.creg_plant, status="closed")
    none = case_create(officer)
    assert _refs(cases_affected_by(change_create(producer_ids=[world.creg_plant.pk]))) == {
        creg.reference
    }
    # Group keys are read literally ...
    assert _refs(cases_affected_by(change_create(group_ids=[world.creg.pk]))) == {creg.reference}
    # ... because the registry records a group with the groups it absorbed (keys.py).
    closure = ChangeKeys.of(group_ids=group_ids_with_predecessors(world.creg)).as_fields()
    assert _refs(cases_affected_by(change_create(**closure))) == {
        creg.reference,
        xiamen.reference,
    }
    either = change_create(producer_ids=[world.northern_plant.pk], group_ids=[world.xiamen.pk])
    assert _refs(cases_affected_by(either)) == {northern.reference, xiamen.reference}
    # No keys at all: every active case for a change of scope (a measure) ...
    assert _refs(cases_affected_by(change_create(kind="measure"))) == {
        creg.reference,
        xiamen.reference,
        northern.reference,
        none.reference,
    }
    # ... and none for a list publish that moved no producer.
    assert not cases_affected_by(change_create(kind="list_published")).exists()


def test_cases_affected_by_element_form_and_date_keys(world, officer):
    dy_magnet = case_create(officer, elements=("Nd", "Dy"), ship=dt.date(2026, 5, 1))
    nd_magnet = case_create(officer, elements=("Nd", "Pr"), ship=dt.date(2026, 5, 1))
    dy_oxide = case_create(officer, elements=("Dy",), form="oxide", ship=dt.date(2026, 12, 1))
    undated = case_create(officer, elements=("Dy",), ship=None)
    case_create(officer, elements=("Dy",), status="closed")
    on_hold = case_create(officer, elements=("Tb",), status="on_hold", ship=dt.date(2026, 5, 1))
    assert _refs(cases_affected_by(change_create(elements=["Dy", "Tb"]))) == {
        dy_magnet.reference,
        dy_oxide.reference,
        undated.reference,
        on_hold.reference,
    }
    assert _refs(cases_affected_by(change_create(elements=["Dy"], forms=["oxide"]))) == {
        dy_oxide.reference
    }
    window = change_create(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 12, 1))
    # NULL ship date counts as today; date_to is exclusive.
    assert _refs(cases_affected_by(window, today=TODAY)) == {
        dy_magnet.reference,
        nd_magnet.reference,
        on_hold.reference,
    }
    assert undated.reference in _refs(cases_affected_by(window, today=dt.date(2026, 4, 1)))


def test_cases_affected_by_party_names_screens_end_users_and_consignees(world, officer):
    by_end_user = case_create(officer, end_user="Lockheed Martin Corp.")
    by_consignee = case_create(officer, end_user="Acme", consignee="LOCKHEED MARTIN CORPORATION")
    case_create(officer, end_user="Lockheed Martin", status="closed")
    case_create(officer, end_user="Siemens Gamesa")
    change = change_create(kind="watch_list", party_names=["Lockheed Martin Corporation"])
    assert _refs(cases_affected_by(change)) == {by_end_user.reference, by_consignee.reference}
    narrowed = change_create(
        kind="watch_list", party_names=["Lockheed Martin"], producer_ids=[world.creg_plant.pk]
    )
    assert not cases_affected_by(narrowed).exists()


def test_build_reads_a_fresh_case(world, officer):
    case = case_create(officer, producer=world.creg_plant)
    Producer.objects.filter(pk=world.creg_plant.pk).update(name_en="Renamed Plant")
    inputs, _ = assessment_inputs_build(case, today=TODAY)
    assert inputs.case.sources[0].producer.name == "Renamed Plant"


def test_fast_inputs_dict_equals_the_method_encoding(world, officer):
    from assessments.selectors import ReferenceData

    for _i in range(3):
        case_create(
            officer,
            producer=world.creg_plant,
            elements=("Eu", "Dy"),
            end_user="Skydio",
            documents=["contract"],
        )
    ref = ReferenceData.load()
    for inputs, _ in assessment_inputs_build_many(
        list(cases_for_assessment()), TODAY, reference=ref
    ):
        assert ref.inputs_dict(inputs) == inputs.to_dict()

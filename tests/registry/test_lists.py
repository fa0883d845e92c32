"""Approved-list versions: publishing, immutability and the diff."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from registry import services
from registry.choices import ChangeKind, ListEntryStatus, ListVersionStatus
from registry.models import ApprovedListEntry, ReferenceChange
from tests.registry.factories import ApprovedListVersionFactory, ProducerFactory

pytestmark = pytest.mark.django_db
APPROVED, SUSPENDED, REMOVED = (
    ListEntryStatus.APPROVED,
    ListEntryStatus.SUSPENDED,
    ListEntryStatus.REMOVED,
)


@pytest.fixture
def plants():
    return [ProducerFactory(name_en=f"Plant {c}") for c in "ABCDE"]


def _version(label, effective_from, entries, actor=None):
    v = services.approved_list_version_create(
        label=label, effective_from=effective_from, actor=actor
    )
    for producer, status in entries:
        services.approved_list_entry_set(version=v, producer=producer, status=status, actor=actor)
    return v


def test_diff_lists_added_removed_and_status_changed(plants):
    a, b, c, d, _e = plants
    old = _version("2025", date(2025, 1, 1), [(a, APPROVED), (b, APPROVED), (c, APPROVED)])
    new = _version("2026", date(2026, 1, 1), [(a, APPROVED), (b, SUSPENDED), (d, APPROVED)])
    diff = services.approved_list_diff(old, new)
    assert [r.producer_id for r in diff.added] == [d.pk]
    assert [r.producer_id for r in diff.removed] == [c.pk]
    assert [(r.producer_id, r.old_status, r.new_status) for r in diff.status_changed] == [
        (b.pk, APPROVED, SUSPENDED)
    ]
    assert diff.producer_ids == sorted([b.pk, c.pk, d.pk])
    assert services.approved_list_diff(None, old).producer_ids == sorted([a.pk, b.pk, c.pk])


def test_publishing_records_the_producers_whose_status_differs_from_the_version_in_force(
    plants, staff_user
):
    a, b, c, _d, _ = plants
    v1 = _version("2025", date(2025, 1, 1), [(a, APPROVED), (b, APPROVED), (c, APPROVED)])
    services.approved_list_publish(version=v1, actor=staff_user)
    v2 = _version("2026", date(2026, 1, 1), [(a, APPROVED), (b, SUSPENDED), (c, REMOVED)])
    change = services.approved_list_publish(version=v2, actor=staff_user)
    assert change.kind == ChangeKind.LIST_PUBLISHED
    assert change.producer_ids == sorted([b.pk, c.pk])
    assert change.date_from == date(2026, 1, 1)
    assert change.date_to is None
    assert change.actor == staff_user
    assert change.details["previous_version"]["label"] == "2025"
    v2.refresh_from_db()
    assert v2.status == ListVersionStatus.PUBLISHED
    assert v2.published_by == staff_user
    assert v2.published_at is not None


def test_a_back_dated_version_is_keyed_until_the_next_published_one(plants):
    a, b, *_ = plants
    services.approved_list_publish(version=_version("2024", date(2024, 1, 1), [(a, APPROVED)]))
    services.approved_list_publish(version=_version("2026", date(2026, 1, 1), [(a, APPROVED)]))
    change = services.approved_list_publish(
        version=_version("2025", date(2025, 1, 1), [(a, SUSPENDED), (b, APPROVED)])
    )
    assert (change.date_from, change.date_to) == (date(2025, 1, 1), date(2026, 1, 1))
    assert change.producer_ids == sorted([a.pk, b.pk])


def test_a_published_version_and_its_entries_cannot_be_changed(plants, staff_user):
    a, b, *_ = plants
    v = _version("2025", date(2025, 1, 1), [(a, APPROVED)])
    services.approved_list_publish(version=v, actor=staff_user)
    with pytest.raises(ValidationError):
        services.approved_list_publish(version=v, actor=staff_user)
    with pytest.raises(ValidationError) as e:
        services.approved_list_entry_set(version=v, producer=b, status=APPROVED)
    assert "version" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.approved_list_entry_set(version=v, producer=a, status=SUSPENDED)
    with pytest.raises(ValidationError):
        services.approved_list_entry_delete(entry=v.entries.get())
    with pytest.raises(ValidationError):
        services.approved_list_version_update(version=v, label="renamed")
    with pytest.raises(ValidationError):
        services.approved_list_version_delete(version=v)
    assert list(v.entries.values_list("producer", "status")) == [(a.pk, APPROVED)]
    assert ReferenceChange.objects.count() == 1


def test_an_empty_draft_cannot_be_published():
    v = ApprovedListVersionFactory()
    with pytest.raises(ValidationError) as e:
        services.approved_list_publish(version=v, actor=None)
    assert "entries" in e.value.message_dict


def test_a_new_draft_can_start_from_a_published_version(plants):
    a, b, *_ = plants
    v1 = _version("2025", date(2025, 1, 1), [(a, APPROVED), (b, SUSPENDED)])
    services.approved_list_publish(version=v1)
    draft = services.approved_list_version_create(
        label="2026 draft", effective_from=date(2026, 1, 1), copy_from=v1
    )
    assert draft.status == ListVersionStatus.DRAFT
    assert set(draft.entries.values_list("producer", "status")) == {
        (a.pk, APPROVED),
        (b.pk, SUSPENDED),
    }
    assert ApprovedListEntry.objects.count() == 4

"""The demo loads through the services, shows every capability the README promises, and
loads again without adding anything."""

import pytest

from demo.loading import demo_load
from notifications.models import OutboxMessage
from registry.models import ReferenceChange
from shipments.models import Case, ImportJob
from tests.conftest import ensure_role_groups

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_book_loads_once_with_every_capability():
    ensure_role_groups()  # an earlier transactional test's flush may have removed them
    first = demo_load()
    assert first.users == 5
    assert first.demo_cases == Case.objects.filter(reference__startswith="DEMO-").count()
    assert first.demo_cases >= 43  # the book and the imported file
    bands = set(Case.objects.values_list("band", flat=True))
    assert {"low", "high"} <= bands  # a mix, not one verdict for everything
    # The pending reference change of the demo re-scored exactly its one case and alerted.
    change = ReferenceChange.objects.filter(summary__contains="Lannion Photonics").get()
    assert change.affected_count == 1
    assert OutboxMessage.objects.exists()
    states = dict(ImportJob.objects.values_list("file_name", "state"))
    assert states == {"demo-magnet-book.csv": "done", "demo-with-an-error.csv": "failed"}

    again = demo_load()
    assert (again.created, again.demo_cases) == (0, first.demo_cases)
    assert ImportJob.objects.count() == 2

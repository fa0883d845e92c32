"""Shared fixtures for the assessment tests: the reference world (the worker is in
tests/conftest.py)."""

import pytest

from assessments.choices import Trigger
from assessments.services import assessment_run
from tests.assessments.factories import case_create, world_create

FUZZY = "Lockheed Martn Corp"  # a name score alone against the UEL: a potential match (high)


@pytest.fixture
def world(db):
    return world_create()


@pytest.fixture
def flagged(world, officer):
    """An open case whose end user is a potential match of Lockheed Martin on the UEL."""
    case = case_create(officer, producer=world.northern_plant, end_user=FUZZY)
    assessment_run(case=case, trigger=Trigger.CREATED, actor=officer)
    case.refresh_from_db()
    return case

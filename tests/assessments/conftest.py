"""Shared fixtures for the assessment tests: the reference world (the worker is in
tests/conftest.py)."""

import pytest

from tests.assessments.factories import world_create


@pytest.fixture
def world(db):
    return world_create()

import pytest

from registry.loading import load_elements


@pytest.fixture
def elements(db):
    return load_elements()

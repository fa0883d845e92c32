import pytest

from tests.registry.factories import make_elements


@pytest.fixture
def elements(db):
    return make_elements()

"""The case register's FilterSet (shipments.filters), with types the schema cannot guess."""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shipments.filters import CaseFilterSet


class CaseFilter(CaseFilterSet):
    # A method filter over Element rows keyed by symbol: tell the schema it takes symbols.
    element = extend_schema_field(OpenApiTypes.STR)(
        copy.deepcopy(CaseFilterSet.declared_filters["element"])
    )

    class Meta(CaseFilterSet.Meta):
        pass

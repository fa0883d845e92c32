"""The case register's FilterSet (shipments.filters), with types the schema cannot guess."""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shipments.filters import CaseFilterSet


def _typed(name: str, kind: OpenApiTypes):
    return extend_schema_field(kind)(copy.deepcopy(CaseFilterSet.declared_filters[name]))


class CaseFilter(CaseFilterSet):
    # Method filters over related rows: tell the schema what they take.
    element = _typed("element", OpenApiTypes.STR)  # symbols
    producer = _typed("producer", OpenApiTypes.INT)  # a source's plant or a party's record
    group = _typed("group", OpenApiTypes.INT)  # a source plant's group

    class Meta(CaseFilterSet.Meta):
        pass

"""A case's parties and upstream sources as the API shows and accepts them.

One serializer per row, for reading and writing: on the way in it checks types only. The
rules (roles, one party per single role, USCC and LEI formats, registry ids, the elements a
source may name, ore categories, evidence types, a source's plant being a mine or
separation plant) are shipments.services.parties', whose ValidationErrors come back as
400s keyed `parties` / `sources` with the row and the field in each message:
`"Source 1 (producer): no registry producer has id 999."` (rows counted from 1).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from method.choices import ORE_CATEGORIES, PARTY_ROLES, SOURCE_EVIDENCE


@extend_schema_field({"type": "string", "enum": list(PARTY_ROLES)}, component_name="PartyRoleEnum")
class PartyRoleField(serializers.CharField):
    """A party's role; the service says which row holds an unknown one."""


@extend_schema_field(
    {"type": "string", "enum": [*ORE_CATEGORIES, ""]}, component_name="OreCategoryEnum"
)
class OreCategoryField(serializers.CharField):
    """The ore a source's material came from; '' when not declared."""


@extend_schema_field(
    {"type": "string", "enum": list(SOURCE_EVIDENCE)}, component_name="SourceEvidenceEnum"
)
class SourceEvidenceField(serializers.CharField):
    """A document type that evidences a source."""


class RegistryIdField(serializers.IntegerField):
    """A registry producer by id: an integer in, the row's id out. The service looks it up
    (and names the row whose id matches nothing)."""

    def to_representation(self, value):
        return super().to_representation(getattr(value, "pk", value))


def _registry_id(help_text: str) -> RegistryIdField:
    return RegistryIdField(required=False, allow_null=True, help_text=help_text)


class CasePartySerializer(serializers.Serializer):
    role = PartyRoleField(
        help_text="buyer, exporter, licence_holder, consignee and end_user: one each; "
        "forwarder and trader may repeat."
    )
    name = serializers.CharField(help_text="As on the contract.")
    country = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 3166 country code, e.g. CN."
    )
    uscc = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Unified Social Credit Code (18 characters, check digit verified), for a "
        "Chinese party.",
    )
    lei = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Legal Entity Identifier: 18 letters or digits, then 2 check digits.",
    )
    registry_number = serializers.CharField(
        required=False, allow_blank=True, help_text="A company registry number, where known."
    )
    producer = _registry_id("The registry's record of this party (a producer id), if any.")
    producer_name = serializers.CharField(
        source="producer.name_en", read_only=True, default=None, allow_null=True
    )


class CaseSourceSerializer(serializers.Serializer):
    label = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The input, e.g. NdPr or Tb; defaults to its element symbols.",
    )
    elements = serializers.ListField(
        child=serializers.CharField(),
        help_text='Symbols of the case\'s elements this source supplies, e.g. ["Nd", "Pr"].',
    )
    producer = _registry_id(
        "The separation plant (the mine, for ore) as a registry producer id; or give `plant_name`."
    )
    producer_name = serializers.CharField(
        source="producer.name_en", read_only=True, default=None, allow_null=True
    )
    group = serializers.IntegerField(
        source="producer.group_id",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The plant's producer group (id), if it has one.",
    )
    group_name = serializers.CharField(
        source="producer.group.name", read_only=True, default=None, allow_null=True
    )
    plant_name = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The plant as declared, when it is not in the registry.",
    )
    ore_category = OreCategoryField(required=False, allow_blank=True)
    production_year = serializers.IntegerField(required=False, allow_null=True)
    evidence = serializers.ListField(
        child=SourceEvidenceField(),
        required=False,
        help_text="Document types on file for this source; none means not evidenced.",
    )
    note = serializers.CharField(required=False, allow_blank=True)

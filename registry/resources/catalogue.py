"""Authorities, elements and HS codes: the catalogue the other reference data points at."""

from import_export import fields

from registry.models import Authority, Element, HSCode

from .base import RegistryResource, StrictManyToManyWidget


class AuthorityResource(RegistryResource):
    class Meta:
        model = Authority
        import_id_fields = ("code",)
        fields = ("code", "name", "name_zh")
        clean_model_instances = True
        skip_unchanged = True


class ElementResource(RegistryResource):
    class Meta:
        model = Element
        import_id_fields = ("symbol",)
        fields = (
            "symbol", "name", "atomic_number", "family", "quota_category",
            "control_code", "control_code_confidence",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True


class HSCodeResource(RegistryResource):
    elements = fields.Field(
        attribute="elements",
        column_name="elements",
        widget=StrictManyToManyWidget(Element, field="symbol", separator=","),
    )

    class Meta:
        model = HSCode
        import_id_fields = ("code",)
        fields = ("code", "description", "form", "elements", "confidence")
        clean_model_instances = True
        skip_unchanged = True

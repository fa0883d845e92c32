"""Serializer fields shared by the API's serializers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class SlugField(serializers.SlugRelatedField):
    """A SlugRelatedField that answers a NUL character with a 400, as CharField does.

    PostgreSQL cannot even compare text containing NUL, so the lookup would raise a
    DataError (a 500) before DRF could say "does not exist".
    """

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "null_characters": "Null characters are not allowed.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class KeyOrIdField(serializers.RelatedField):
    """A related row named by its `key` or its id (an integer or a string of digits);
    written out as its key."""

    default_error_messages = {
        "does_not_exist": "No item with key or id “{value}”.",
        "incorrect_type": "Give the item's key (text) or id (a number).",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type")
        text = str(data).strip()
        if "\x00" in text:
            self.fail("does_not_exist", value="")
        queryset = self.get_queryset()
        lookup = {"pk": int(text)} if text.isdigit() else {"key": text}
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist:
            self.fail("does_not_exist", value=text)

    def to_representation(self, value):
        return value.key

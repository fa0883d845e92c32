"""Serializer fields shared by the API's serializers."""

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

"""Turning service errors into HTTP answers.

Services raise django.core.exceptions.ValidationError (field-keyed where possible); the API
answers 400 with the same field-by-field messages. A field the serializer does not know
(e.g. `__all__` from a model constraint) is reported under `non_field_errors`.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.settings import api_settings


def as_drf_error(exc: DjangoValidationError) -> DRFValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                str(m) for m in DjangoValidationError(errors).messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]}
    return DRFValidationError(detail)


class ServiceErrorsMixin:
    """A view mixin: a service's ValidationError becomes a 400 with field-keyed messages."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = as_drf_error(exc)
        return super().handle_exception(exc)

"""Upload checks for case documents (size and type limits from settings)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


def validate_document_file(file) -> None:
    name = getattr(file, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.DOCUMENT_ALLOWED_EXTENSIONS
    if ext not in allowed:
        raise ValidationError(
            "Files of type “%(ext)s” cannot be uploaded. Allowed types: %(allowed)s.",
            code="document_extension",
            params={"ext": ext or "(none)", "allowed": ", ".join(allowed)},
        )
    size = getattr(file, "size", None) or 0
    if size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            "This file is %(size)s; the limit is %(limit)s.",
            code="document_size",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            },
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="document_empty")

"""Validators for identifiers that reference data and cases share."""

import re

from django.core.exceptions import ValidationError

# GB 32100-2015: 18 characters from this alphabet; the last is a check character.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
HS_CODE_RE = re.compile(r"^\d{10}$")
ISO_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Unified Social Credit Code: 18 characters with a valid check character."""
    if not value:
        return
    if len(value) != 18:
        raise ValidationError(
            "A Unified Social Credit Code has 18 characters; this one has %(n)d.",
            code="uscc_length",
            params={"n": len(value)},
        )
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "A Unified Social Credit Code uses digits and capital letters except I, O, S, V, Z; "
            "found %(bad)s.",
            code="uscc_charset",
            params={"bad": ", ".join(bad)},
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            "The check character of this Unified Social Credit Code should be %(c)s, not %(got)s.",
            code="uscc_checksum",
            params={"c": expected, "got": value[17]},
        )


def validate_hs_code(value: str) -> None:
    """A Chinese 10-digit tariff line."""
    if value and not HS_CODE_RE.match(value):
        raise ValidationError(
            "An HS code here is China's 10-digit tariff line (digits only), e.g. 2846901940; "
            "got %(value)s.",
            code="hs_code",
            params={"value": value},
        )


def validate_hs_code_list(values: list) -> None:
    if not isinstance(values, list):
        raise ValidationError("HS codes must be a list of 10-digit codes.", code="hs_code_list")
    for v in values:
        validate_hs_code(str(v))


def validate_country_code(value: str) -> None:
    if value and not ISO_COUNTRY_RE.match(value):
        raise ValidationError(
            "Use a two-letter ISO 3166 country code such as DE or US; got %(value)s.",
            code="country",
            params={"value": value},
        )


def validate_choice_list(values: list, choices: type, what: str) -> None:
    if not isinstance(values, list):
        raise ValidationError(f"{what} must be a list.", code="not_a_list")
    allowed = set(choices.values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            "Unknown %(what)s: %(unknown)s. Allowed: %(allowed)s.",
            code="unknown_choice",
            params={
                "what": what,
                "unknown": ", ".join(map(str, unknown)),
                "allowed": ", ".join(sorted(allowed)),
            },
        )

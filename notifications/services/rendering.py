"""Rendering an assessment's band change into e-mail: what changed, links, addresses."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Assessment
from assessments.presenters import verdict_view
from method.choices import SEVERITY_RANK, band_worsened
from method.diff import FactorChange
from method.diff import factor_changes as method_factor_changes
from shipments.choices import Band
from shipments.models import Case

logger = logging.getLogger(__name__)


# --- Rendering helpers


def factor_changes(previous_factors: list[dict], factors: list[dict]) -> list[FactorChange]:
    """What an alert shows: the factors whose severity changed (method.diff), worst new
    severity first; a factor missing on one side counts as severity "none" there."""
    changes = [
        replace(c, old_severity=c.old_severity or "none", new_severity=c.new_severity or "none")
        for c in method_factor_changes(previous_factors, factors)
        if c.severity_changed
    ]
    changes.sort(key=lambda change: -SEVERITY_RANK[change.new_severity])
    return changes


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def case_url(case: Case) -> str:
    # The case page lives in shipments (/cases/<pk>/); built by hand so mail does not depend
    # on that app's URL names.
    return _site_url(f"/cases/{case.pk}/")


def _band_label(band: str) -> str:
    return Band(band).label if band in Band.values else band


def _render(name: str, context: dict) -> tuple[str, str]:
    context = {
        **context,
        "site_url": settings.SITE_URL.rstrip("/"),
        "preferences_url": _site_url(reverse("notifications:preferences")),
    }
    return (
        render_to_string(f"emails/{name}.txt", context).strip() + "\n",
        render_to_string(f"emails/{name}.html", context),
    )


def _valid_address(user: AbstractBaseUser) -> str | None:
    address = (getattr(user, "email", "") or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        logger.warning("No usable e-mail address for user %s; nothing queued", user.pk)
        return None
    return address


def _change_context(assessment: Assessment) -> dict:
    previous = assessment.previous
    old_band = previous.band if previous else ""
    return {
        "assessment": assessment,
        "case": assessment.case,
        "case_url": case_url(assessment.case),
        "old_band": old_band,
        "old_band_label": _band_label(old_band) if old_band else "not assessed",
        "new_band": assessment.band,
        "new_band_label": _band_label(assessment.band),
        "worsened": band_worsened(old_band, assessment.band),
        "changes": factor_changes(previous.factors if previous else [], assessment.factors),
        "reference_change": assessment.reference_change,
        # The verdict, and the raw band beside the decided one where a disposition decided.
        "verdict": verdict_view(assessment),
    }

"""The audit dossier of a case (issue 15): everything an auditor needs to follow a decision,
as one JSON document that replays, and the same content as a printable page and a PDF.

JSON (`case_dossier`): the case as it stands (facts, parties, sources, documents, licence),
every assessment with its inputs, result and the reference versions it used, the
dispositions, and the timeline. `dossier_replay` re-runs each assessment's method edition on
its stored inputs and compares, exactly as the snapshot page's "Replay" does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from assessments.models import Assessment
from assessments.services import ReplayResult, assessment_replay
from shipments.models import Case

DOSSIER_FORMAT = "lodestone-dossier/1"
_CASE_EXCLUDE = {"latest_assessment"}


def _plain(value: Any) -> Any:
    """JSON-safe (dates and decimals as strings, like the API)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return DjangoJSONEncoder().default(value)


def _row(obj: models.Model, *, exclude: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """A model row's concrete fields, foreign keys as ids, files as their names."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.attname if field.is_relation else field.name] = value
    return _plain(data)


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def _assessment(a: Assessment) -> dict:
    return {
        "id": a.pk,
        "created_at": _plain(a.created_at),
        "as_of": _plain(a.as_of),
        "trigger": a.trigger,
        "actor": _user(a.actor),
        "reference_change": (
            {"id": a.reference_change_id, "summary": a.reference_change.summary}
            if a.reference_change_id
            else None
        ),
        "previous": a.previous_id,
        "method_version": a.method_version,
        "band": a.band,
        "score": a.score,
        "factors": a.factors,
        "versions": a.versions,
        "inputs": a.full_inputs,
        "inputs_hash": a.inputs_hash,
    }


def _dispositions(case: Case) -> list[dict]:
    """The case's dispositions, when the app that records them is installed."""
    try:
        model = apps.get_model("assessments", "Disposition")
    except LookupError:
        return []
    rows = []
    for d in model.objects.filter(case=case).order_by("pk"):
        row = _row(d, exclude={"case"})
        row["author"] = _user(getattr(d, "author", None))
        row["approver"] = _user(getattr(d, "approver", None))
        if hasattr(d, "evidence"):
            row["evidence"] = sorted(d.evidence.values_list("pk", flat=True))
        rows.append(row)
    return rows


def case_dossier(case: Case, *, generated_by=None, now: dt.datetime | None = None) -> dict:
    """The dossier as plain JSON values."""
    case = (
        Case.objects.select_related("owner", "created_by", "licence_record", "technology_item")
        .prefetch_related("watchers", "case_elements", "parties", "sources", "documents")
        .get(pk=case.pk)
    )
    snapshots = list(
        Assessment.objects.filter(case=case)
        .select_related("actor", "reference_change", "reference_part")
        .order_by("created_at", "pk")
    )
    latest = snapshots[-1] if snapshots else None
    return {
        "format": DOSSIER_FORMAT,
        "generated_at": _plain(now or timezone.now()),
        "generated_by": _user(generated_by),
        "case": {
            **_row(case, exclude=_CASE_EXCLUDE),
            "owner": _user(case.owner),
            "created_by": _user(case.created_by),
            "watchers": sorted(u.get_username() for u in case.watchers.all()),
            "elements": [_row(e, exclude={"case"}) for e in case.case_elements.all()],
            "parties": [_row(p, exclude={"case"}) for p in case.parties.all()],
            "sources": [_row(s, exclude={"case"}) for s in case.sources.all()],
            "documents": [_row(d, exclude={"case"}) for d in case.documents.all()],
            "licence_record": _row(case.licence_record) if case.licence_record_id else None,
        },
        "decision": (
            {
                "assessment_id": latest.pk,
                "as_of": _plain(latest.as_of),
                "band": latest.band,
                "raw_band": latest.versions.get("raw_band", latest.band),
                "verdict": latest.versions.get("verdict", ""),
                "verdict_text": latest.versions.get("verdict_text", ""),
                "next_steps": latest.versions.get("next_steps", []),
                "method_version": latest.method_version,
                "reference_versions": latest.versions,
            }
            if latest
            else None
        ),
        "assessments": [_assessment(a) for a in snapshots],
        "dispositions": _dispositions(case),
        "timeline": [
            {
                "at": _plain(t.at),
                "kind": t.kind,
                "actor": _user(t.actor),
                "summary": t.summary,
                "data": t.data,
            }
            for t in case.timeline.select_related("actor").order_by("at", "pk")
        ],
    }


def dossier_replay(data: dict) -> list[ReplayResult]:
    """Replay every assessment in a dossier from the dossier alone (no database row is read:
    each snapshot is rebuilt, unsaved, from its JSON)."""
    if data.get("format") != DOSSIER_FORMAT:
        raise ValueError(f"not a Lodestone dossier: format {data.get('format')!r}")
    results = []
    for item in data["assessments"]:
        snapshot = Assessment(
            pk=item["id"],
            band=item["band"],
            score=item["score"],
            method_version=item["method_version"],
            factors=item["factors"],
            versions=item["versions"],
            inputs=item["inputs"],
            inputs_hash=item["inputs_hash"],
        )
        results.append(assessment_replay(assessment=snapshot))
    return results

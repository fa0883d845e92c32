"""Rows for the shipment tests, created with the ORM (services are what the tests test)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from registry.models import Element, HSCode, Producer, ProducerGroup
from shipments.models import Case, CaseElement, Document

# symbol, name, atomic number, family, quota category, dual-use control code (elements.yaml)

_seq = itertools.count(1)


def hs_codes_create() -> None:
    rows = [
        ("2846901999", "Other rare earth oxides", "oxide", []),
        ("2846901940", "Samarium oxide", "oxide", ["Sm"]),
        ("2846901993", "Mixed oxides containing Sm/Gd/Tb/Dy/Lu/Sc/Y", "oxide", ["Dy", "Tb"]),
        ("2805301200", "Dysprosium metal", "metal", ["Dy"]),
        ("8505111000", "Rare earth permanent magnets", "magnet", []),
    ]
    for code, description, form, symbols in rows:
        hs, _ = HSCode.objects.get_or_create(
            code=code, defaults={"description": description, "form": form}
        )
        hs.elements.set(Element.objects.filter(symbol__in=symbols))


def group_create(**extra) -> ProducerGroup:
    n = next(_seq)
    defaults = {"key": f"group-{n}", "name": f"Test Rare Earth Group {n}"}
    return ProducerGroup.objects.create(**{**defaults, **extra})


def producer_create(group: ProducerGroup | None = None, **extra) -> Producer:
    n = next(_seq)
    defaults = {
        "group": group,
        "kind": "separation_plant",
        "name_en": f"Test Separation Plant {n}",
    }
    return Producer.objects.create(**{**defaults, **extra})


def case_create_row(*, owner, elements=(("Nd", 75), ("Pr", 25)), **extra) -> Case:
    """A case straight into the database (no service, no assessment)."""
    n = next(_seq)
    values = {
        "reference": f"PO-{n:05d}",
        "buyer": f"Buyer {n} GmbH",
        "exporter": "Example Trading Co.",
        "product_form": "oxide",
        "quantity_kg": Decimal("1000"),
        "destination": "DE",
        "end_use": "automotive",
        "end_user": f"End User {n} AG",
        "planned_ship_date": dt.date(2026, 12, 15),
        "owner": owner,
        "created_by": owner,
        **extra,
    }
    case = Case.objects.create(**values)
    CaseElement.objects.bulk_create(
        CaseElement(case=case, element_id=sym, content_share=share) for sym, share in elements
    )
    return case


def document_create_row(case: Case, *, user, doc_type="contract", **extra) -> Document:
    return Document.objects.create(case=case, doc_type=doc_type, uploaded_by=user, **extra)

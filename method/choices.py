"""Closed vocabularies of the assessment method.

Kept here (not in a Django app) so the pure method owns its own contract; the apps may
import these tuples to build their `TextChoices`, never the other way round.
"""

from __future__ import annotations

from typing import Literal

PRODUCT_FORMS = (
    "ore",
    "oxide",
    "compound",
    "metal",
    "alloy",
    "target",
    "magnet",
    "equipment",
    "technology",
)
# Separated products come out of smelting/separation; ore is mining output.
SEPARATED_FORMS = ("oxide", "compound", "metal", "alloy", "target", "magnet")
NON_MATERIAL_FORMS = ("equipment", "technology")

END_USES = (
    "automotive",
    "wind",
    "consumer_electronics",
    "industrial",
    "medical",
    "research",
    "aerospace",
    "semiconductors",
    "defence",
    "other",
)

LAYERS = (
    "quota",
    "licence",
    "technology",
    "end_use",
    "prohibition",
    "suspension",
    "reporting",
    "framework",
)

ELEMENT_QUOTA_CATEGORIES = ("light", "ionic", "none")
ELEMENT_FAMILIES = ("light", "medium", "heavy", "other")
MEDIUM_HEAVY_FAMILIES = ("medium", "heavy")

# Who is on a shipment. The first five are one party each; intermediaries may repeat.
PARTY_ROLES = (
    "buyer",
    "exporter",
    "licence_holder",
    "consignee",
    "end_user",
    "forwarder",
    "trader",
)
SINGLE_PARTY_ROLES = ("buyer", "exporter", "licence_holder", "consignee", "end_user")
PARTY_ROLE_LABELS: dict[str, str] = {
    "buyer": "buyer",
    "exporter": "exporter",
    "licence_holder": "licence holder",
    "consignee": "consignee",
    "end_user": "end user",
    "forwarder": "freight forwarder",
    "trader": "trader",
}
# The ore an upstream source's material came from ('' = not declared). Imported ore is
# separated under the smelting indicator (MIIT/NDRC/MNR Order No. 71, 2025); a by-product
# (Sc from titanium or bauxite residue) sits outside the quota system.
ORE_CATEGORIES = ("light", "ionic", "imported", "by_product")
SOURCE_EVIDENCE = (
    "supplier_declaration",
    "invoice",
    "certificate_of_origin",
    "traceability_record",
    "other",
)
SOURCE_EVIDENCE_LABELS: dict[str, str] = {
    "supplier_declaration": "supplier declaration",
    "invoice": "invoice",
    "certificate_of_origin": "certificate of origin",
    "traceability_record": "traceability record",
    "other": "other document",
}
# Facilities whose output is judged against the separation list and the quota.
UPSTREAM_KINDS = ("mine", "separation_plant")
DESTINATION_SCOPES = ("all_items", "military_end_use")
DESTINATION_SEVERITIES = ("high", "critical")
LIST_CONFIDENCES = ("official", "reported", "estimated")
ALLOCATION_KINDS = ("mining", "smelting")
ALLOCATION_CATEGORIES = ("light", "ionic", "total")

LICENCE_STATUSES = ("not_required", "not_applied", "applied", "granted", "denied", "expired")
DOCUMENT_STATUSES = ("provided", "verified", "rejected")
PRODUCER_LIST_STATUSES = ("approved", "suspended", "removed", "not_listed")
WATCH_STATUSES = ("active", "suspended", "measures_terminated", "removed")
# What a party-list notice does to a listed party (watch_lists.yaml, per notice; DOMAIN,
# second edition "Party lists have different effects"):
#   trade_ban          UEL: ban on China-related import and export (critical, any item)
#   dual_use_ban       ECCL: no dual-use items (critical if licence-required, else high)
#   no_general_licence Watch List: a general licence does not cover the party
#   risk_assessment    Watch List: an individual licence needs a risk assessment and an
#                      undertaking (required documents)
#   no_review_deadline Watch List: review is not bound by the 45 working days
#   investment_ban, entry_ban: recorded, with no effect on a shipment
WATCH_EFFECTS = (
    "trade_ban",
    "dual_use_ban",
    "no_general_licence",
    "risk_assessment",
    "no_review_deadline",
    "investment_ban",
    "entry_ban",
)
# How a party matched an entry, strongest first.
MATCH_ROUTES = ("identifier", "exact_name", "known_alias", "name_score")
# Technology export classification (Catalogue of Technologies Prohibited or Restricted from
# Export, 2023; MOFCOM No. 62 of 2025 for 1E902).
TECHNOLOGY_CLASSES = ("prohibited", "restricted", "dual_use")
LICENCE_PATHWAYS = ("individual", "general", "technology")

MEASURE_CONFIDENCES = ("confirmed", "derived", "unconfirmed")
QUOTA_CONFIDENCES = ("official", "reported", "estimated")

FACTORS = (
    "product_scope",
    "producer_eligibility",
    "quota_headroom",
    "licence",
    "documents",
    "end_use",
)

# An officer's decision the method reads (DOMAIN, "Decisions that last and reopen"):
#   false_positive   a screening hit is not the listed party: the hit stops counting
#   confirmed_match  a screening hit is the listed party: it counts as a strong match
#   risk_accepted    a factor's risk is accepted at its severity: it weighs as low
DISPOSITION_KINDS = ("false_positive", "confirmed_match", "risk_accepted")
SCREENING_DISPOSITIONS = ("false_positive", "confirmed_match")
# What became of a disposition in one assessment.
#   applied   it is in force and the method used it
#   reopened  what it rested on changed materially (the reason says what): not applied
#   lapsed    its expiry has come: not applied
#   idle      in force, but nothing it covers is in this assessment (the hit is gone)
DISPOSITION_OUTCOMES = ("applied", "reopened", "lapsed", "idle")
# The case's one-line verdict, worst first.
VERDICTS = ("do_not_ship", "hold", "can_ship_if", "clear")
VERDICT_LABELS: dict[str, str] = {
    "do_not_ship": "Do not ship",
    "hold": "Hold",
    "can_ship_if": "Can ship if",
    "clear": "Clear to ship",
}
# Who must act on a next step.
ACTORS = ("owner", "exporter", "supplier", "buyer", "compliance_lead")
ACTOR_LABELS: dict[str, str] = {
    "owner": "case owner",
    "exporter": "exporter",
    "supplier": "supplier",
    "buyer": "buyer",
    "compliance_lead": "compliance lead",
}
FACTOR_LABELS: dict[str, str] = {
    "product_scope": "Product scope",
    "producer_eligibility": "Producer eligibility",
    "quota_headroom": "Quota headroom",
    "licence": "Licence",
    "documents": "Documents",
    "end_use": "End use",
}

Severity = Literal["none", "low", "medium", "high", "critical"]
Band = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("none", "low", "medium", "high", "critical")
BANDS: tuple[Band, ...] = ("low", "medium", "high", "critical")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
BAND_RANK: dict[str, int] = {name: rank for rank, name in enumerate(BANDS)}


def band_worsened(old: str | None, new: str) -> bool:
    """Whether `new` is a worse band than `old` (a first band is no worsening)."""
    return bool(old) and BAND_RANK[new] > BAND_RANK[old]


# Documents of a MOFCOM dual-use licence file (licensing.yaml application_documents,
# required ones only), in the order an officer assembles them.
INDIVIDUAL_LICENCE_DOCUMENTS = (
    "application_form",
    "identity_documents",
    "contract",
    "technical_description",
    "end_user_certificate",
    "end_use_certificate",
    "end_user_description",
    "no_retransfer_assurance",
)
# A general licence is tied to named customers; each shipment still needs its contract
# and the end-user/end-use assurances.
GENERAL_LICENCE_DOCUMENTS = ("contract", "end_user_certificate", "end_use_certificate")
# Missing either certificate stops a licensed shipment outright (floor: high).
CERTIFICATE_DOCUMENTS = ("end_user_certificate", "end_use_certificate")

# The shipment file: what a shipment needs to leave, whatever the licence's stage.
SHIPMENT_DOCUMENTS = ("contract", "commercial_invoice", "packing_list")
# ... and, where a licence is required, the licence itself and the end-user certificate.
LICENSED_SHIPMENT_DOCUMENTS = ("licence", "end_user_certificate")
# A Watch List party's individual licence application (MOFCOM 2026 No. 12).
WATCH_LIST_DOCUMENTS = ("risk_assessment", "undertaking")

DOCUMENT_LABELS: dict[str, str] = {
    "application_form": "licence application form",
    "identity_documents": "identity documents",
    "contract": "contract",
    "technical_description": "technical description",
    "end_user_certificate": "end-user certificate",
    "end_use_certificate": "end-use certificate",
    "end_user_description": "end-user description",
    "no_retransfer_assurance": "no-retransfer assurance",
    "other_mofcom_request": "other document MOFCOM requested",
    "licence": "copy of the granted licence",
    "commercial_invoice": "commercial invoice",
    "packing_list": "packing list",
    "risk_assessment": "risk-assessment report on the listed party",
    "undertaking": "written undertaking on the end use",
}


def one_of(value: str, allowed: tuple[str, ...], what: str) -> None:
    """Reject a value outside a closed vocabulary, naming the field for the caller."""
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")

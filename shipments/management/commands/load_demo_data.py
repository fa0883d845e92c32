"""Demo users and ~40 realistic shipment cases, every one created through the services.

Idempotent: users are matched by username, cases by reference (an existing case is left
alone). Run `load_reference_data` first; the registry demo (producers, list versions,
watch list) is loaded here when it is available.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.method.choices import GENERAL_LICENCE_DOCUMENTS, INDIVIDUAL_LICENCE_DOCUMENTS
from registry.models import Element, Producer
from registry.roles import OFFICER, STAFF, VIEWER
from shipments.choices import DocumentType
from shipments.models import Case
from shipments.services import (
    case_create,
    case_document_add,
    case_status_change,
    case_watchers_set,
)

D = dt.date
USERS = [
    # username, role, extra
    ("staff", STAFF, {"is_staff": True, "first_name": "Stella", "last_name": "Staff"}),
    ("officer", OFFICER, {"first_name": "Olga", "last_name": "Officer"}),
    ("officer2", OFFICER, {"first_name": "Oscar", "last_name": "Officer"}),
    ("viewer", VIEWER, {"first_name": "Victor", "last_name": "Viewer"}),
    ("admin", None, {"is_staff": True, "is_superuser": True, "first_name": "Ada"}),
]

# Demo producers from registry.demo (matched by English name; missing ones mean "not declared").
NORTH_1 = "Baotou Demo Rare Earth Separation Plant No. 1"
NORTH_2 = "Baotou Demo Rare Earth Separation Plant No. 2"  # suspended on the 2026 list
NORTH_METAL = "Inner Mongolia Demo RE Metals"
GANZHOU = "Ganzhou Demo Ionic Separation Co."
LONGYAN = "Longyan Demo Separation Plant (formerly Xiamen Tungsten)"  # removed in 2026
MINE = "Ganzhou Demo Ion-Adsorption Mine"
MAGNET = "Ningbo Demo Magnetics Co."  # a magnet maker, not an approved producer
TRADER = "Shanghai Demo Rare Earth Trading Co."  # a trader: not on any list

FULL = "full"  # every document the pathway requires
BASIC = "basic"  # contract, end-user and end-use certificates

# Each case: the fields for case_create plus "docs" (FULL, BASIC, or a list of doc types),
# "expired" (doc types whose copy expired), "status" ((status, reason) steps), "owner".
CASES: list[dict[str, Any]] = [
    {
        "ref": "DEMO-001",
        "title": "NdPr oxide from an approved Northern plant",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 20000,
        "dest": "DE",
        "use": "automotive",
        "eu": "Stuttgart Drive Systems GmbH",
        "ship": D(2026, 12, 15),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-002",
        "title": "Dy oxide, licence granted, full file",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Dy": 99.5},
        "hs": "2846901993",
        "qty": 500,
        "dest": "JP",
        "use": "automotive",
        "eu": "Nagoya Motor Components KK",
        "ship": D(2026, 12, 20),
        "lic": "granted",
        "lic_no": "MOFCOM-DU-2026-041277",
        "applied": D(2026, 8, 3),
        "valid": D(2027, 8, 2),
        "docs": FULL + "+licence",
    },
    {
        "ref": "DEMO-003",
        "title": "Dy oxide from an unlisted trader",
        "producer": TRADER,
        "form": "oxide",
        "el": {"Dy": 99.5},
        "hs": "2846901993",
        "qty": 300,
        "dest": "KR",
        "use": "automotive",
        "eu": "Ulsan E-Motor Co.",
        "ship": D(2027, 1, 15),
        "lic": "applied",
        "applied": D(2026, 10, 1),
        "docs": BASIC,
        "supplier": "Trader says the oxide comes from 'a Ganzhou plant'",
    },
    {
        "ref": "DEMO-004",
        "title": "Tb metal, licence applied 10 working days before shipping",
        "producer": GANZHOU,
        "form": "metal",
        "el": {"Tb": 99.9},
        "hs": "2805301300",
        "qty": 120,
        "dest": "DE",
        "use": "industrial",
        "eu": "Rhein Magnet Technik GmbH",
        "ship": D(2026, 12, 11),
        "lic": "applied",
        "applied": D(2026, 11, 27),
        "docs": FULL,
    },
    {
        "ref": "DEMO-005",
        "title": "Dy metal, licence denied",
        "producer": GANZHOU,
        "form": "metal",
        "el": {"Dy": 99.9},
        "hs": "2805301200",
        "qty": 200,
        "dest": "US",
        "use": "aerospace",
        "eu": "Pacific Aero Structures Inc.",
        "ship": D(2026, 12, 22),
        "lic": "denied",
        "applied": D(2026, 7, 14),
        "docs": FULL,
        "status": [("on_hold", "MOFCOM denied the licence on 2026-10-30; seeking another source")],
    },
    {
        "ref": "DEMO-006",
        "title": "NdFeB magnets without Dy",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Nd": 29, "Pr": 7},
        "hs": "8505111000",
        "qty": 4000,
        "dest": "US",
        "use": "automotive",
        "eu": "Great Lakes EV Motors LLC",
        "ship": D(2026, 12, 5),
        "lic": "not_required",
        "docs": BASIC,
        "supplier": "Magnet maker; oxide from Northern",
    },
    {
        "ref": "DEMO-007",
        "title": "NdFeB magnets with Dy",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Nd": 27, "Pr": 6, "Dy": 4},
        "hs": "8505111000",
        "qty": 6000,
        "dest": "DE",
        "use": "wind",
        "eu": "Nordsee Wind Turbines AG",
        "ship": D(2027, 1, 20),
        "lic": "applied",
        "applied": D(2026, 10, 15),
        "docs": ["contract", "end_user_certificate", "end_use_certificate", "application_form"],
    },
    {
        "ref": "DEMO-008",
        "title": "Ho oxide shipping before 2026-11-10",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Ho": 99.9},
        "hs": "2846901992",
        "qty": 80,
        "dest": "NL",
        "use": "research",
        "eu": "Delft Laser Research BV",
        "ship": D(2026, 11, 5),
        "lic": "not_required",
        "docs": BASIC,
        "status": [("cleared", "Customs released the shipment on 2026-11-05")],
    },
    {
        "ref": "DEMO-009",
        "title": "Ho oxide shipping after 2026-11-10",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Ho": 99.9},
        "hs": "2846901992",
        "qty": 80,
        "dest": "NL",
        "use": "research",
        "eu": "Delft Laser Research BV",
        "ship": D(2026, 12, 12),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-010",
        "title": "SmCo magnet material",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Sm": 25},
        "hs": "8505111000",
        "qty": 900,
        "dest": "FR",
        "use": "aerospace",
        "eu": "Toulouse Actuation SAS",
        "ship": D(2026, 12, 30),
        "lic": "applied",
        "applied": D(2026, 9, 22),
        "docs": FULL,
        "expired": ["end_user_certificate"],
    },
    {
        "ref": "DEMO-011",
        "title": "NdFeB magnet preparation technology",
        "producer": MAGNET,
        "form": "technology",
        "el": {"Nd": None, "Dy": None},
        "hs": "",
        "qty": 1,
        "dest": "VN",
        "use": "industrial",
        "eu": "Hai Phong Magnet Works JSC",
        "ship": D(2027, 2, 1),
        "lic": "not_applied",
        "docs": ["contract"],
    },
    {
        "ref": "DEMO-012",
        "title": "Tb oxide for a military end use",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Tb": 99.9},
        "hs": "2846901993",
        "qty": 50,
        "dest": "GB",
        "use": "defence",
        "eu": "Royal Ordnance Guidance Ltd",
        "ship": D(2027, 1, 8),
        "lic": "applied",
        "applied": D(2026, 11, 2),
        "docs": FULL,
    },
    {
        "ref": "DEMO-013",
        "title": "End user resembling a listed party",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Nd": 30, "Pr": 7},
        "hs": "8505111000",
        "qty": 1200,
        "dest": "US",
        "use": "aerospace",
        "eu": "Lockheed Martin Corp.",
        "ship": D(2026, 12, 18),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-014",
        "title": "Consignee on the demo screening list",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 2500,
        "dest": "DE",
        "use": "industrial",
        "eu": "Hanse Industrial Motors GmbH",
        "consignee": "Nordwind Defense Systems",
        "ship": D(2026, 12, 28),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-015",
        "title": "Ce oxide polishing powder",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Ce": 99},
        "hs": "2846901999",
        "qty": 15000,
        "dest": "TW",
        "use": "semiconductors",
        "eu": "Hsinchu Glass Polishing Co.",
        "ship": D(2026, 12, 9),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-016",
        "title": "La oxide for FCC catalysts (2025, closed)",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"La": 99},
        "hs": "2846901999",
        "qty": 30000,
        "dest": "US",
        "use": "industrial",
        "eu": "Gulf Coast Catalysts LLC",
        "ship": D(2025, 6, 12),
        "lic": "not_required",
        "docs": BASIC,
        "status": [("cleared", "Shipped 2025-06-12"), ("closed", "Delivered and paid")],
    },
    {
        "ref": "DEMO-017",
        "title": "Y oxide, licence expiring before the ship date",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Y": 99.99},
        "hs": "2846901993",
        "qty": 400,
        "dest": "DE",
        "use": "medical",
        "eu": "Erlangen Imaging GmbH",
        "ship": D(2026, 12, 21),
        "lic": "granted",
        "lic_no": "MOFCOM-DU-2026-018803",
        "applied": D(2026, 3, 2),
        "valid": D(2026, 12, 1),
        "docs": FULL + "+licence",
    },
    {
        "ref": "DEMO-018",
        "title": "NdPr oxide from a suspended plant",
        "producer": NORTH_2,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 18000,
        "dest": "AT",
        "use": "automotive",
        "eu": "Graz Traction Motors GmbH",
        "ship": D(2026, 12, 17),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-019",
        "title": "Gd oxide from a removed plant",
        "producer": LONGYAN,
        "form": "oxide",
        "el": {"Gd": 99.9},
        "hs": "2846901930",
        "qty": 250,
        "dest": "CH",
        "use": "medical",
        "eu": "Basel Contrast Media AG",
        "ship": D(2027, 1, 12),
        "lic": "applied",
        "applied": D(2026, 10, 20),
        "docs": FULL,
    },
    {
        "ref": "DEMO-020",
        "title": "Producer not declared",
        "producer": None,
        "form": "oxide",
        "el": {"Nd": 70, "Pr": 30},
        "hs": "2846901999",
        "qty": 5000,
        "dest": "IN",
        "use": "automotive",
        "eu": "Pune Electric Drives Pvt Ltd",
        "ship": D(2026, 12, 23),
        "lic": "not_required",
        "docs": ["contract"],
        "supplier": "Supplier declined to name the separation plant",
    },
    {
        "ref": "DEMO-021",
        "title": "Sc oxide, end-user certificate missing",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Sc": 99.99},
        "hs": "2846901980",
        "qty": 25,
        "dest": "US",
        "use": "research",
        "eu": "Ohio Fuel Cell Research Inc.",
        "ship": D(2027, 3, 1),
        "lic": "applied",
        "applied": D(2026, 9, 1),
        "docs": [
            "application_form",
            "identity_documents",
            "contract",
            "technical_description",
            "end_use_certificate",
        ],
    },
    {
        "ref": "DEMO-022",
        "title": "Lu oxide, end-use certificate expired",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Lu": 99.99},
        "hs": "2846901993",
        "qty": 15,
        "dest": "BE",
        "use": "medical",
        "eu": "Leuven PET Detectors NV",
        "ship": D(2026, 12, 14),
        "lic": "granted",
        "lic_no": "MOFCOM-DU-2026-022140",
        "applied": D(2026, 6, 1),
        "valid": D(2027, 5, 31),
        "docs": FULL + "+licence",
        "expired": ["end_use_certificate"],
    },
    {
        "ref": "DEMO-023",
        "title": "NdPr metal for magnet alloy",
        "producer": NORTH_METAL,
        "form": "metal",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2805301100",
        "qty": 8000,
        "dest": "JP",
        "use": "automotive",
        "eu": "Osaka Magnet Alloys KK",
        "ship": D(2026, 10, 20),
        "lic": "not_required",
        "docs": BASIC,
        "status": [("cleared", "Customs released the goods on 2026-10-21")],
    },
    {
        "ref": "DEMO-024",
        "title": "Sm oxide, on hold for the buyer",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Sm": 99.5},
        "hs": "2846901940",
        "qty": 600,
        "dest": "US",
        "use": "aerospace",
        "eu": "Arizona Motion Systems Inc.",
        "ship": D(2027, 2, 15),
        "lic": "not_applied",
        "docs": ["contract"],
        "status": [("on_hold", "Buyer is re-negotiating the volume")],
    },
    {
        "ref": "DEMO-025",
        "title": "Er oxide for fibre amplifiers",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Er": 99.9},
        "hs": "2846901920",
        "qty": 40,
        "dest": "FR",
        "use": "semiconductors",
        "eu": "Lannion Photonics SA",
        "ship": D(2027, 1, 10),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-026",
        "title": "Dy-Fe alloy",
        "producer": NORTH_METAL,
        "form": "alloy",
        "el": {"Dy": 80},
        "hs": "",
        "qty": 300,
        "dest": "KR",
        "use": "automotive",
        "eu": "Changwon Motor Parts Co.",
        "ship": D(2026, 12, 29),
        "lic": "applied",
        "applied": D(2026, 11, 16),
        "docs": FULL,
    },
    {
        "ref": "DEMO-027",
        "title": "Tb sputtering target for chips",
        "producer": GANZHOU,
        "form": "target",
        "el": {"Tb": 99.99},
        "hs": "3824999922",
        "qty": 10,
        "dest": "TW",
        "use": "semiconductors",
        "eu": "Tainan Advanced Foundry Corp.",
        "ship": D(2027, 1, 25),
        "lic": "applied",
        "applied": D(2026, 11, 10),
        "docs": FULL,
    },
    {
        "ref": "DEMO-028",
        "title": "Ionic ore concentrate",
        "producer": MINE,
        "form": "ore",
        "el": {"Y": 30, "Dy": 3, "Nd": 15},
        "hs": "2530902000",
        "qty": 50000,
        "dest": "MY",
        "use": "industrial",
        "eu": "Kuantan Separation Sdn Bhd",
        "ship": D(2027, 1, 30),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-029",
        "title": "NdPr oxide (2025, closed)",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 20000,
        "dest": "DE",
        "use": "automotive",
        "eu": "Stuttgart Drive Systems GmbH",
        "ship": D(2025, 9, 30),
        "lic": "not_required",
        "docs": BASIC,
        "status": [("cleared", "Shipped"), ("closed", "Delivered")],
    },
    {
        "ref": "DEMO-030",
        "title": "NdFeB magnets (2025, closed)",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Nd": 29, "Pr": 7, "Dy": 2},
        "hs": "8505111000",
        "qty": 3000,
        "dest": "US",
        "use": "consumer_electronics",
        "eu": "Bay Audio Devices Inc.",
        "ship": D(2025, 5, 20),
        "lic": "granted",
        "lic_no": "MOFCOM-DU-2025-007731",
        "applied": D(2025, 4, 10),
        "valid": D(2026, 4, 9),
        "docs": FULL + "+licence",
        "status": [("cleared", "Released after customs identification"), ("closed", "Delivered")],
    },
    {
        "ref": "DEMO-031",
        "title": "Ce-La mischmetal",
        "producer": NORTH_METAL,
        "form": "metal",
        "el": {"Ce": 65, "La": 35},
        "hs": "2805301990",
        "qty": 12000,
        "dest": "IT",
        "use": "industrial",
        "eu": "Brescia Steel Additives SpA",
        "ship": D(2026, 12, 8),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-032",
        "title": "Pr oxide for pigments",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Pr": 99},
        "hs": "2846901999",
        "qty": 2000,
        "dest": "ES",
        "use": "industrial",
        "eu": "Castellón Ceramic Colours SL",
        "ship": D(2027, 1, 6),
        "lic": "not_required",
        "docs": ["contract", "end_user_certificate"],
    },
    {
        "ref": "DEMO-033",
        "title": "Nd metal (general licence)",
        "producer": NORTH_METAL,
        "form": "metal",
        "el": {"Nd": 99.5},
        "hs": "2805301100",
        "qty": 5000,
        "dest": "DE",
        "use": "automotive",
        "eu": "Stuttgart Drive Systems GmbH",
        "ship": D(2026, 12, 16),
        "lic": "granted",
        "general": True,
        "lic_no": "MOFCOM-GL-2025-0003",
        "applied": D(2025, 11, 3),
        "valid": D(2026, 12, 1),
        "docs": FULL + "+licence",
    },
    {
        "ref": "DEMO-034",
        "title": "Gd oxide, licence not applied",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Gd": 99.9},
        "hs": "2846901930",
        "qty": 150,
        "dest": "JP",
        "use": "medical",
        "eu": "Kyoto MRI Agents KK",
        "ship": D(2027, 2, 20),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-035",
        "title": "Yb oxide for lasers",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Yb": 99.9},
        "hs": "2846901970",
        "qty": 30,
        "dest": "US",
        "use": "research",
        "eu": "Boulder Laser Labs Inc.",
        "ship": D(2026, 12, 31),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-036",
        "title": "NdFeB magnets for drones",
        "producer": MAGNET,
        "form": "magnet",
        "el": {"Nd": 28, "Pr": 6, "Dy": 3},
        "hs": "8505111000",
        "qty": 700,
        "dest": "US",
        "use": "defence",
        "eu": "Aurora Guidance",
        "ship": D(2027, 1, 18),
        "lic": "applied",
        "applied": D(2026, 11, 20),
        "docs": BASIC,
    },
    {
        "ref": "DEMO-037",
        "title": "La-Ce oxide, small lot",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"La": 60, "Ce": 40},
        "hs": "2846901999",
        "qty": 800,
        "dest": "PL",
        "use": "industrial",
        "eu": "Gdańsk Glass Works SA",
        "ship": D(2026, 12, 3),
        "lic": "not_required",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-038",
        "title": "Eu oxide for phosphors",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Eu": 99.99},
        "hs": "2846901999",
        "qty": 20,
        "dest": "NL",
        "use": "consumer_electronics",
        "eu": "Eindhoven Lighting BV",
        "ship": D(2027, 1, 4),
        "lic": "not_applied",
        "docs": BASIC,
    },
    {
        "ref": "DEMO-039",
        "title": "NdPr oxide, no ship date yet",
        "producer": NORTH_1,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 10000,
        "dest": "CZ",
        "use": "automotive",
        "eu": "Plzeň E-Axle s.r.o.",
        "ship": None,
        "lic": "not_required",
        "docs": [],
    },
    {
        "ref": "DEMO-040",
        "title": "Dy oxide, 2025 shipment held by customs",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Dy": 99.5},
        "hs": "2846901993",
        "qty": 200,
        "dest": "DE",
        "use": "automotive",
        "eu": "Bavaria Servo GmbH",
        "ship": D(2025, 8, 15),
        "lic": "granted",
        "lic_no": "MOFCOM-DU-2025-011902",
        "applied": D(2025, 5, 6),
        "valid": D(2026, 5, 5),
        "docs": FULL + "+licence",
        "status": [
            ("on_hold", "Customs questioned the declaration"),
            ("closed", "Order cancelled by the buyer"),
        ],
    },
    {
        "ref": "DEMO-041",
        "title": "NdPr oxide shipped in 2024, under a published quota year",
        "producer": GANZHOU,
        "form": "oxide",
        "el": {"Nd": 75, "Pr": 25},
        "hs": "2846901999",
        "qty": 1000,
        "dest": "JP",
        "use": "automotive",
        "eu": "Kansai Motor Components K.K.",
        "ship": D(2024, 10, 15),
        "lic": "not_required",
        "docs": BASIC,
        "status": [
            ("cleared", "All checks passed before shipment"),
            ("closed", "Shipped 2024-10-18; delivered"),
        ],
    },
]

EXPIRED_ON = D(2026, 10, 31)
VALID_UNTIL = D(2027, 12, 31)


class Command(BaseCommand):
    help = "Create demo users (password = username + '-demo') and ~40 demo shipment cases."

    def handle(self, *args, **options) -> None:
        if not settings.LODESTONE_DEMO_DATA_ALLOWED:
            raise CommandError(
                "Refusing to load demo data: these settings are for production "
                "(LODESTONE_DEMO_DATA_ALLOWED is off). Demo accounts have known passwords "
                "(admin / admin-demo); never create them on a real installation."
            )
        users = self._users()
        self._registry()
        created = 0
        for i, spec in enumerate(CASES):
            if Case.objects.filter(reference=spec["ref"]).exists():
                continue
            owner = users["officer"] if i % 3 else users["officer2"]
            with transaction.atomic():
                self._case(spec, owner, users, i)
            created += 1
        self._reference_change(users["staff"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} users, {created} new case(s), "
                f"{Case.objects.filter(reference__startswith='DEMO-').count()} demo cases."
            )
        )

    def _users(self) -> dict:
        user_model = get_user_model()
        users = {}
        for username, role, extra in USERS:
            user, made = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@lodestone.example", **extra}
            )
            if made:
                user.set_password(f"{username}-demo")
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _registry(self) -> None:
        if not Element.objects.exists():
            from registry.loading import load_reference_data

            load_reference_data()
        try:
            from registry.demo import load_registry_demo
        except ImportError:
            self.stdout.write(self.style.WARNING("registry.demo is not available; skipped."))
            return
        load_registry_demo()

    def _reference_change(self, staff) -> None:
        """One watch-list update made through the service, as staff would: it records a
        reference change, re-scores only the case whose end user matches, and (the band
        worsening) queues an alert to the case's owner. Done once."""
        from registry.models import WatchList, WatchListEntry
        from registry.services import watch_list_entry_upsert

        name = "Lannion Photonics SA"
        if WatchListEntry.objects.filter(name=name).exists():
            return
        watch_list_entry_upsert(
            watch_list=WatchList.objects.get(key="demo-screening"),
            name=name,
            actor=staff,
            aliases=["Lannion Photonics"],
            country="FR",
            status="active",
            date_added=D(2026, 11, 20),
            announcement="Demo notice 2",
            is_demo=True,
            source="Invented for the demo.",
        )

    def _case(self, spec: dict, owner, users: dict, i: int) -> None:
        producer = Producer.objects.filter(name_en=spec["producer"]).first()
        case = case_create(
            actor=owner,
            reference=spec["ref"],
            buyer=spec.get("buyer") or spec["eu"],
            exporter=(producer.name_en if producer else "Shanghai Demo Rare Earth Trading Co.")
            if spec["form"] != "magnet"
            else "Ningbo Demo Magnetics Co.",
            producer=producer,
            supplier_text=spec.get("supplier", ""),
            product_form=spec["form"],
            elements={
                k: (Decimal(str(v)) if v is not None else None) for k, v in spec["el"].items()
            },
            hs_code=spec["hs"],
            quantity_kg=Decimal(spec["qty"]),
            destination=spec["dest"],
            end_use=spec["use"],
            end_user=spec["eu"],
            consignee=spec.get("consignee", ""),
            planned_ship_date=spec["ship"],
            licence_status=spec["lic"],
            licence_number=spec.get("lic_no", ""),
            licence_applied_on=spec.get("applied"),
            licence_valid_until=spec.get("valid"),
            general_licence=spec.get("general", False),
            owner=owner,
        )
        watchers = [users["viewer"]] if i % 2 else []
        if i % 4 == 0:
            watchers.append(users["officer2"] if owner == users["officer"] else users["officer"])
        if watchers:
            case_watchers_set(case=case, actor=owner, watchers=watchers)
        for doc_type in self._doc_types(spec["docs"]):
            expired = doc_type in spec.get("expired", ())
            case_document_add(
                case=case,
                actor=owner,
                doc_type=doc_type,
                file=ContentFile(
                    f"Demo {DocumentType(doc_type).label} for {spec['ref']}\n".encode(),
                    name=f"{spec['ref'].lower()}-{doc_type}.txt",
                ),
                status="verified" if not expired else "provided",
                expires_on=EXPIRED_ON if expired else self._expiry(doc_type, spec),
                note="Demo document.",
            )
        for status, reason in spec.get("status", ()):
            case = case_status_change(case=case, actor=owner, status=status, reason=reason)

    @staticmethod
    def _doc_types(docs) -> list[str]:
        if isinstance(docs, list):
            return docs
        base, _, extra = docs.partition("+")
        # The method's own lists: the full individual-licence file, or the basic three.
        types = list(INDIVIDUAL_LICENCE_DOCUMENTS if base == FULL else GENERAL_LICENCE_DOCUMENTS)
        if extra == "licence":
            types.append(DocumentType.LICENCE)
        return types

    @staticmethod
    def _expiry(doc_type: str, spec: dict) -> dt.date | None:
        if doc_type == DocumentType.LICENCE:
            return spec.get("valid")
        if doc_type in (DocumentType.END_USER_CERTIFICATE, DocumentType.END_USE_CERTIFICATE):
            return VALID_UNTIL
        return None

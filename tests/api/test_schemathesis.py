"""Property-based run over the whole API: no 5xx, and every answer matches the schema.

Schemathesis reads the served schema from the WSGI app and generates requests for every
operation (valid and invalid input alike), once with a compliance officer's token and once
with a reference-data staff member's. Each answer is checked for a server error, a status
code the schema does not list, a content type it does not list, and a body that does not
match the documented schema. Path parameters are drawn both at random (mostly 404s) and from
the rows the fixture creates, so real objects are read and written too.

Every request runs in a savepoint that is rolled back, so the rows stay the same from one
example to the next (a DELETE of the caller's token, a publish, a status change) and a
failing request cannot leave the test's transaction aborted. Failures are collected (one per
operation and kind) and reported together, so one run shows everything to fix.
Bounded: EXAMPLES per operation and generation mode.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from registry.models import DestinationRestriction, ReferenceChange
from registry.services import approved_list_publish, destination_restriction_save
from shipments import services as case_services
from tests.api.conftest import api_token
from tests.api.factories import (
    case_create,
    case_payload,
    list_version_create,
    magnet_payload,
    magnet_world,
    producer_create,
    suspension_create,
)
from tests.conftest import cache_reset

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same requests every run: a CI failure reproduces locally
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_connection():
    # The real WSGI handler closes the DB connection after each request, which would end the
    # test's transaction; Django's test client disconnects these the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def clean_cache():
    # Throttle counters live in the cache: start from none and leave none behind (only this
    # cache's keys: on Redis the broker may share the database).
    cache_reset()
    yield
    cache_reset()


@pytest.fixture
def api_rows(world, officer, staff_user) -> dict[str, list]:
    """Rows with the shapes the schema must describe: a magnet case with parties (one with a
    registry record) and sources (a registry plant with a group, a typed-in plant), a case
    with neither, a document, a producer without a group, a draft list, a destination
    restriction with no end, a reference change never run."""
    magnets = magnet_world(world)
    magnet = magnet_payload(magnets)
    magnet["sources"].append({"elements": ["Tb"], "plant_name": "Unlisted Tb Works"})
    magnet_case = case_create(actor=officer, **magnet)
    bare_case = case_create(actor=officer, owner=officer)
    case_services.case_document_add(
        case=magnet_case,
        actor=officer,
        doc_type="end_user_certificate",
        status="provided",
        file=SimpleUploadedFile("euc.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    producer_create(group=None, name_en="Independent Smelter")
    draft = list_version_create(entries=[(world["producer"], "approved")], published=False)
    published = list_version_create(
        entries=[(world["producer"], "suspended")], effective_from=dt.date(2025, 1, 1)
    )
    published.status = "draft"
    published.published_at = None
    published.save()
    approved_list_publish(version=published, actor=staff_user)
    suspension = suspension_create(measure=world["measure"], ends_on=None)
    destination_restriction_save(
        restriction=DestinationRestriction(
            country="KP",
            regime="un_sanctions",
            scope="all_items",
            severity="critical",
            title="UN sanctions on the DPRK",
            instrument="UNSCR 1718 (2006)",
            effective_from=dt.date(2006, 10, 14),
        ),
        actor=staff_user,
    )
    return {
        "producer": world["producer"].pk,
        "magnets": magnets,
        "group": world["group"].pk,
        "cycle": world["cycle"].pk,
        "batch": world["cycle"].batches.get().pk,
        "measure": world["measure"].pk,
        "suspension": suspension.pk,
        "watch_list": world["watch_list"].pk,
        "watch_entry": world["watch_list"].entries.get().pk,
        "published": published.pk,
        "cases": [magnet_case.pk, bare_case.pk],
        "documents": [d.pk for d in magnet_case.documents.all()],
        "elements": ["Dy", "Nd"],
        "list-versions": [draft.pk, published.pk, world["version"].pk],
        "reference-changes": list(ReferenceChange.objects.values_list("pk", flat=True)),
        "drafts": [draft.pk],
    }


def _known_path_parameters(path: str, rows: dict[str, list], model_ids) -> list[dict]:
    """Path parameters naming rows that exist, for the operation at `path`."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return []
    resource = path.removeprefix("/api/v1/").split("/", 1)[0]
    if names == ["case_pk"]:
        return [{"case_pk": pk} for pk in rows["cases"]]
    if names == ["case_pk", "id"]:
        return [{"case_pk": rows["cases"][0], "id": pk} for pk in rows["documents"]]
    ids = rows.get(resource) or model_ids(resource)
    return [{names[0]: pk} for pk in ids]


def _model_ids(resource: str) -> Iterable:
    from django.urls import resolve

    match = resolve(f"/api/v1/{resource}/")
    queryset = match.func.cls().get_queryset() if hasattr(match.func, "cls") else None
    return list(queryset.values_list("pk", flat=True)[:3]) if queryset is not None else []


def _valid_requests(rows: dict, role: str) -> list[tuple[str, str, dict]]:
    """Requests the role is allowed to make and that must succeed (2xx): generated input
    rarely gets a write past validation, so these put every success answer to the test."""
    case, version, draft = rows["cases"][0], rows["list-versions"][2], rows["drafts"][0]
    common = [
        ("GET", "/api/v1/list-versions/diff/", {"query": {"a": version, "b": rows["published"]}}),
        ("GET", "/api/v1/list-versions/diff/", {"query": {"b": rows["published"]}}),
        ("GET", "/api/v1/cases/", {"query": {"producer": rows["producer"], "sort": "-risk"}}),
    ]
    if role == "officer":
        return [
            *common,
            ("POST", "/api/v1/cases/", {"body": magnet_payload(rows["magnets"])}),
            ("POST", "/api/v1/cases/", {"body": case_payload(producer=rows["producer"])}),
            ("POST", "/api/v1/cases/", {"body": case_payload(producer=None)}),
            ("PATCH", "/api/v1/cases/{id}/", {"path": {"id": case}, "body": {"buyer": "B"}}),
            (
                "PATCH",
                "/api/v1/cases/{id}/",
                {
                    "path": {"id": case},
                    "body": {
                        "parties": [
                            {"role": "buyer", "name": "B"},
                            {"role": "exporter", "name": "E", "country": "CN"},
                            {"role": "end_user", "name": "U"},
                            {"role": "forwarder", "name": "F"},
                        ],
                        "sources": [{"elements": ["Nd", "Pr"], "plant_name": "P"}],
                    },
                },
            ),
            (
                "POST",
                "/api/v1/cases/{id}/status/",
                {"path": {"id": case}, "body": {"status": "on_hold", "reason": "EUC"}},
            ),
            ("POST", "/api/v1/cases/{id}/reassess/", {"path": {"id": rows["cases"][1]}}),
        ]
    return [
        *common,
        (
            "POST",
            "/api/v1/list-versions/",
            {"body": {"label": "L", "effective_from": "2027-01-01"}},
        ),
        (
            "POST",
            "/api/v1/list-versions/{id}/entries/",
            {"path": {"id": draft}, "body": {"producer": rows["producer"], "status": "approved"}},
        ),
        ("POST", "/api/v1/list-versions/{id}/publish/", {"path": {"id": draft}}),
        (
            "POST",
            "/api/v1/quota-cycles/{id}/batches/",
            {"path": {"id": rows["cycle"]}, "body": {"number": 2}},
        ),
        (
            "POST",
            "/api/v1/quota-batches/{id}/allocations/",
            {
                "path": {"id": rows["batch"]},
                "body": {
                    "group": rows["group"],
                    "kind": "mining",
                    "category": "light",
                    "tonnes": None,
                },
            },
        ),
        (
            "PATCH",
            "/api/v1/measures/{id}/",
            {"path": {"id": rows["measure"]}, "body": {"title": "T"}},
        ),
        (
            "POST",
            "/api/v1/suspensions/",
            {"body": {"measure": rows["measure"], "starts_on": "2028-01-01", "ends_on": None}},
        ),
        (
            "PUT",
            "/api/v1/suspensions/{id}/",
            {
                "path": {"id": rows["suspension"]},
                "body": {"measure": rows["measure"], "starts_on": "2025-11-10", "ends_on": None},
            },
        ),
        (
            "POST",
            "/api/v1/watch-lists/{id}/entries/",
            {"path": {"id": rows["watch_list"]}, "body": {"name": "New Party Ltd"}},
        ),
        (
            "PATCH",
            "/api/v1/watch-list-entries/{id}/",
            {"path": {"id": rows["watch_entry"]}, "body": {"announcement": "No. 1"}},
        ),
    ]


class Run:
    """Sends cases with one token, each in a rolled-back savepoint, and collects failures."""

    def __init__(self, token: str):
        self.headers = {"Authorization": f"Token {token}"}
        self.failures: dict[tuple[str, str], str] = {}
        self.calls = 0

    def check(self, case, *, must_succeed: bool = False) -> None:
        self.calls += 1
        with transaction.atomic():
            response = case.call(headers=self.headers)
            transaction.set_rollback(True)
        where = f"{case.method.upper()} {case.operation.path}"
        if must_succeed and not 200 <= response.status_code < 300:
            self.failures.setdefault(
                (where, f"valid request answered {response.status_code}"), response.text[:2000]
            )
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                self.failures.setdefault(
                    (where, failure.title), f"{failure.message}\n{case.as_curl_command()}"
                )

    def generated(self, operation, known_path_parameters: list[dict]) -> None:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies = [operation.as_strategy(generation_mode=mode)] + [
                operation.as_strategy(generation_mode=mode, path_parameters=params)
                for params in known_path_parameters
            ]

            @SETTINGS
            @given(case=st.one_of(strategies))
            def run(case):
                self.check(case)

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid (no body, no query, only a path id whose
                # invalid forms are all filtered out): the positive run covers it.
                if mode is GenerationMode.POSITIVE:
                    raise


@pytest.fixture
def api_schema(db, keep_connection, clean_cache, api_rows, officer):
    headers = {"Authorization": f"Token {api_token(officer)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)
    return schema


@pytest.mark.parametrize("role", ["officer", "staff_user"])
def test_every_operation_answers_within_the_schema_and_never_a_5xx(
    api_schema, api_rows, role, request
):
    run = Run(api_token(request.getfixturevalue(role)))
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 40  # the whole schema, not a slice of it

    for operation in operations:
        run.generated(operation, _known_path_parameters(operation.path, api_rows, _model_ids))
    for method, path, parts in _valid_requests(api_rows, role):
        case = api_schema[path][method].Case(
            path_parameters=parts.get("path"),
            query=parts.get("query"),
            body=parts.get("body", NOT_SET),
            media_type="application/json" if "body" in parts else None,
        )
        run.check(case, must_succeed=True)

    report = "\n\n".join(f"{op}: {title}\n{text}" for (op, title), text in run.failures.items())
    assert not run.failures, f"{len(run.failures)} failures in {run.calls} requests:\n\n{report}"

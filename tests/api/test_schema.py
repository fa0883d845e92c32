"""The OpenAPI schema builds without a warning, and the schema and docs need a login."""

from io import StringIO

from django.core.management import call_command


def test_the_schema_generates_and_validates_with_no_warning(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
        stderr=StringIO(),
    )
    text = out.read_text()
    assert "/api/v1/cases/{id}/assessment/" in text
    assert "'409':" in text


def test_the_schema_is_served_to_signed_in_clients_only(officer_api, anon_api):
    assert anon_api.get("/api/v1/schema/").status_code == 401
    r = officer_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_the_docs_page_serves_swagger_ui_locally_to_signed_in_users(client, officer):
    anonymous = client.get("/api/v1/docs/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client.force_login(officer)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    # The start-up script is a file of its own (no inline script under the CSP).
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()


def _model_serializers():
    from rest_framework import serializers

    from api.serializers import cases, registry

    for module in (cases, registry):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.ModelSerializer)
                and value.__module__ == module.__name__
            ):
                yield value


def _can_be_null(model, source: str) -> bool:
    """Whether `source` (e.g. "producer.group_id") can be None: a nullable column on the way."""
    from django.core.exceptions import FieldDoesNotExist

    for name in source.split("."):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a property or method: its schema type is declared where it is
        if field.null:
            return True
        if not field.many_to_one and not field.one_to_one:
            return False
        model = field.related_model
    return False


def test_every_field_that_can_be_null_is_declared_nullable():
    """A read-only field through a nullable relation (a case's producer, a version's
    publisher) must say so, or clients generated from the schema reject real answers."""
    from rest_framework.fields import SerializerMethodField
    from rest_framework.relations import ManyRelatedField
    from rest_framework.serializers import ListSerializer

    undeclared = [
        f"{serializer.__name__}.{name} ({field.source})"
        for serializer in _model_serializers()
        for name, field in serializer().fields.items()
        if not isinstance(field, (ListSerializer, ManyRelatedField, SerializerMethodField))
        and field.source != "*"
        and _can_be_null(serializer.Meta.model, field.source)
        and not field.allow_null
    ]
    assert not undeclared

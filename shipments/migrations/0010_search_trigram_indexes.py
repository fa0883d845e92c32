"""Trigram indexes for the register's search (issue 15), on PostgreSQL only.

`q` filters with `icontains`, which Django writes as `UPPER(col::text) LIKE UPPER('%x%')`;
a GIN index on that expression with `gin_trgm_ops` (pg_trgm) serves it at any position in
the string. SQLite (the embedded default) has no such index and scans: fine at its sizes.
"""

from django.db import migrations

INDEXES = [
    ("case_reference_trgm", "shipments_case", "reference"),
    ("case_buyer_trgm", "shipments_case", "buyer"),
    ("case_exporter_trgm", "shipments_case", "exporter"),
    ("case_end_user_trgm", "shipments_case", "end_user"),
    ("case_consignee_trgm", "shipments_case", "consignee"),
    ("caseparty_name_trgm", "shipments_caseparty", "name"),
    ("casesource_plant_trgm", "shipments_casesource", "plant_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("shipments", "0009_alter_timelineevent_kind")]

    operations = [migrations.RunPython(create, drop)]

"""Indexes in the register's "risk" order (score desc nulls last, ship date, id desc).

PostgreSQL only: SQLite (the one-machine default) cannot put NULLS LAST in an index, and at
demo scale it does not need one. The migration state is the same on both.
"""

from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


RISK_ORDER = (
    models.OrderBy(models.F("score"), descending=True, nulls_last=True),
    models.OrderBy(models.F("planned_ship_date"), nulls_last=True),
    models.OrderBy(models.F("id"), descending=True),
)


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0001_initial"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="case",
            index=models.Index(*RISK_ORDER, name="case_risk_order"),
        ),
        AddIndexOnPostgres(
            model_name="case",
            index=models.Index(
                *RISK_ORDER,
                condition=models.Q(("status__in", ["open", "on_hold"])),
                name="case_risk_order_working",
            ),
        ),
    ]

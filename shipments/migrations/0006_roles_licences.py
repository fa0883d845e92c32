"""Give the roles their permissions on licence records (added by 0005): officers record and
change them, everyone who sees cases reads them."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0005_licence_records_and_technology"),
        ("registry", "0010_technology_items"),
    ]

    # Backwards: nothing to undo; once 0005 is reversed the permissions point at a stale
    # content type, which `remove_stale_contenttypes` clears.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

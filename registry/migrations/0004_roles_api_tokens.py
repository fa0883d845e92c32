"""Re-sync the role permissions (this once gave staff the authtoken permissions; 0005 takes
them away, and rest_framework.authtoken is no longer installed)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_watch_entry_note"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

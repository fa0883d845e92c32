"""Let every role read the shared reference parts of snapshots (added by 0006), in the
admin, as they read the snapshots themselves."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_lean_snapshots")]

    # Backwards: nothing to undo; once 0006 is reversed the permissions point at a stale
    # content type, which `remove_stale_contenttypes` clears.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

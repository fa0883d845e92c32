"""Give the roles their permissions on technology items (added by 0010) and watch-list
notices (added by 0011): staff edit them, officers and viewers read them, as for every other
reference-data model."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_watch_notices_statutory_days_allocation_confidence"),
    ]

    # Backwards: nothing to undo here; once 0011 is reversed the permissions point at a stale
    # content type, which `remove_stale_contenttypes` clears.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

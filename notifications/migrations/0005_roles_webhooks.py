"""Give reference-data staff their permissions on webhook endpoints (added by 0004): they
add, change and view endpoints and view deliveries (accounts.roles.WEBHOOK_PERMISSIONS)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_webhook_endpoints_deliveries"),
    ]

    # Backwards: nothing to undo here; once 0004 is reversed the permissions point at a stale
    # content type, which `remove_stale_contenttypes` clears.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

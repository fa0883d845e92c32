"""Give the roles their permissions on dispositions (added by 0003): officers record and
approve them (never their own: the service and a constraint), everyone else reads them."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_dispositions"),
        ("notifications", "0005_roles_webhooks"),
    ]

    # Backwards: nothing to undo; once 0003 is reversed the permissions point at a stale
    # content type, which `remove_stale_contenttypes` clears.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

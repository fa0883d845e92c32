"""Reference-data staff issue and revoke API tokens: re-sync the role permissions."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from registry.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_watch_entry_note"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

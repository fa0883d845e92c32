"""No role holds API token permissions (issue 10): staff could create a key for any user.

Forwards: take every authtoken and knox permission away from the role groups, then sync
them to ROLE_PERMISSIONS (which no longer lists any). Backwards: give Reference-data staff
the authtoken permissions again, as 0004 did, so the old code finds what it expects.
"""

from django.db import migrations

TOKEN_APPS = ("authtoken", "knox")
OLD_STAFF_TOKEN_PERMS = [f"{a}_tokenproxy" for a in ("add", "change", "delete", "view")]


def remove_token_powers(apps, schema_editor):
    from accounts.roles import ROLES, sync_role_groups

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    token_perms = Permission.objects.filter(content_type__app_label__in=TOKEN_APPS)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*token_perms)
    sync_role_groups(apps)


def restore_staff_token_powers(apps, schema_editor):
    from accounts.roles import STAFF

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name=STAFF).first()
    if staff is None:
        return
    staff.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="authtoken", codename__in=OLD_STAFF_TOKEN_PERMS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_roles_api_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(remove_token_powers, restore_staff_token_powers)]

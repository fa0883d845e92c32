"""Create the three roles as groups with their model permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


def remove_roles(apps, schema_editor):
    from accounts.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("shipments", "0001_initial"),
        ("assessments", "0002_assessment_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

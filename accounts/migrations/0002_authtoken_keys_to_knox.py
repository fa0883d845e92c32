"""Move DRF authtoken keys (stored in clear) to knox tokens (stored as a digest).

Each existing key keeps working, as a knox token with the same key that expires after the
configured TTL; then the clear keys are deleted. `rest_framework.authtoken` is no longer
installed, so its table is read with SQL when it exists; it is left behind, empty.

Backwards, the knox tokens made here stay (they are ordinary tokens now); the clear keys
cannot come back, which is the point: a rolled-back installation issues new tokens.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def keys_to_knox(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS, knox_settings

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    ttl = knox_settings.TOKEN_TTL
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {schema_editor.quote_name(OLD_TABLE)}")  # noqa: S608
        rows = cursor.fetchall()
    expiry = timezone.now() + ttl if ttl is not None else None
    AuthToken.objects.bulk_create(
        AuthToken(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            expiry=expiry,
        )
        for key, user_id in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema_editor.quote_name(OLD_TABLE)}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_cache_table"),
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(keys_to_knox, migrations.RunPython.noop)]

"""Tests: the same settings, a fast password hasher, files in a temporary folder.

DATABASE_URL and CELERY_BROKER_URL come from the environment; CI points them at PostgreSQL
and Redis. Tasks run eagerly unless a test starts a real worker (tests/conftest.py).
"""

import tempfile

from .base import *

SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lodestone-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="lodestone-static-"))
# Close connections after each request and task (Celery's Django fix-up does so when the age
# is 0), so no worker thread keeps the test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The broker URL is kept for worker tests; everything else runs in process. A worker
# process a test starts (tests/conftest.py, WorkerProcess) turns both off through the
# environment: it publishes to the broker and sends through EMAIL_URL.
CELERY_TASK_ALWAYS_EAGER = env.bool("LODESTONE_TEST_TASKS_EAGER", default=True)
if env.bool("LODESTONE_TEST_LOCMEM_EMAIL", default=True):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A file-backed SQLite test database (when no DATABASE_URL is set) so that a worker thread
# sees what the test committed; PostgreSQL needs nothing special.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# ruff: noqa: F403, F405
"""Settings for benchmark runs: local settings, production-like (DEBUG off, no mail).

Use with `--settings benchmarks.settings_bench` (or DJANGO_SETTINGS_MODULE). The database
defaults to the benchmark's own
`lodestone_bench` with persistent connections, never to SQLite or a shared database.
"""

import os

os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lodestone_bench?conn_max_age=600"
)

from config.settings.local import *

# Figures are taken with DEBUG off, as in production (DEBUG keeps every query in memory).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The benchmark runs tasks in process unless it starts a real worker, which sets this to 0.
CELERY_TASK_ALWAYS_EAGER = env.bool("BENCH_CELERY_EAGER", default=True)
LOGGING["root"]["level"] = env("LODESTONE_LOG_LEVEL", default="WARNING")
# Alerts are rendered and queued as in production; with no EMAIL_URL they go nowhere
# (the console backend would print thousands of messages into the figures).
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

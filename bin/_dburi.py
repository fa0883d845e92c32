"""Print the database of DATABASE_URL (or the embedded SQLite default) for bin/backup and
bin/restore: a libpq URI for PostgreSQL (Django-only options such as conn_max_age dropped),
else `sqlite:<path>`. Parsed by django-environ, as the settings parse it."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

import environ

default = f"sqlite:///{Path(__file__).resolve().parent.parent / 'db.sqlite3'}"
db = environ.Env.db_url_config(os.environ.get("DATABASE_URL") or default)
engine = db["ENGINE"]
if engine.endswith("sqlite3"):
    sys.stdout.write(f"sqlite:{db['NAME']}\n")
elif "postgresql" in engine:
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    name = quote(db["NAME"], safe="")
    sys.stdout.write(f"postgresql://{auth + '@' if auth else ''}{host}{port}/{name}\n")
else:
    sys.exit(f"bin/backup knows PostgreSQL and SQLite, not {engine}")

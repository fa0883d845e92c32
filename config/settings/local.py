"""Development on one machine: DEBUG on, embedded defaults unless the environment says more."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

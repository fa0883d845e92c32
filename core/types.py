"""Types every layer shares."""

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser

# The person a write is attributed to (history, timeline, reference change). None only for
# writes no person made: data migrations, the reference-data loader, scheduled sweeps.
Actor: TypeAlias = AbstractBaseUser | None

"""What every signed-in page shows: the system-wide caveats once, and how many
dispositions wait for this person's approval."""

from django.utils import timezone

from accounts.roles import APPROVE_DISPOSITION
from assessments.selectors.caveats import system_caveats
from assessments.selectors.dispositions import dispositions_awaiting


def caveats(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    found = system_caveats(timezone.localdate())
    return {"system_caveats": found} if found else {}


def approvals(request) -> dict:
    """The nav's "Approvals (n)": pending dispositions this person may approve."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(APPROVE_DISPOSITION):
        return {}
    return {"approvals_waiting": dispositions_awaiting(user).count()}

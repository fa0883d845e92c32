"""One e-mail about a case to one person, queued in the outbox once per dedupe key."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser

from notifications.choices import MessageKind
from notifications.services.alerts import _outbox_queue
from notifications.services.rendering import _render, _valid_address, case_url
from shipments.models import Case


def case_mail_queue(
    *,
    user: AbstractBaseUser | None,
    case: Case,
    template: str,
    subject: str,
    dedupe_key: str,
    kind: str,
    **context,
) -> bool:
    """Render `emails/<template>.{txt,html}` for `user` and queue it; False when the person
    has no usable address, is inactive, or the message was queued before."""
    address = _valid_address(user) if user is not None and user.is_active else None
    if address is None:
        return False
    body_text, body_html = _render(
        template, {"recipient": user, "case": case, "case_url": case_url(case), **context}
    )
    _, created = _outbox_queue(
        dedupe_key=dedupe_key,
        recipient=user,
        to_address=address,
        kind=MessageKind(kind),
        subject=subject[:250],
        body_text=body_text,
        body_html=body_html,
        case=case,
    )
    return created

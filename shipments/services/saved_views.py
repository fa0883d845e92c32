"""An officer's saved register views: a name for a query string, theirs alone."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shipments.models import SavedView

NAME_MAX = SavedView._meta.get_field("name").max_length
KEPT = 30  # per person; a register of bookmarks is not a register of cases


def _clean_query(query: str) -> str:
    """The query string without the page number (a view is a filter, not a place in it)."""
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k != "page"]
    return urlencode(pairs)


@transaction.atomic
def saved_view_save(*, actor: AbstractBaseUser, name: str, query: str) -> SavedView:
    """Save the register's query under a name; the same name again replaces the query."""
    if not actor.has_perm("shipments.view_case"):
        raise PermissionDenied("Saving a view needs access to the register.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"At most {NAME_MAX} characters ({len(name)} given)."})
    view, created = SavedView.objects.select_for_update().get_or_create(
        user=actor, name=name, defaults={"query": _clean_query(query)}
    )
    if not created:
        view.query = _clean_query(query)
        view.save(update_fields=["query", "updated_at"])
    elif SavedView.objects.filter(user=actor).count() > KEPT:
        raise ValidationError({"name": f"At most {KEPT} saved views; delete one first."})
    return view


@transaction.atomic
def saved_view_delete(*, actor: AbstractBaseUser, view: SavedView) -> None:
    if view.user_id != actor.pk:
        raise PermissionDenied("Only its owner deletes a saved view.")
    view.delete()

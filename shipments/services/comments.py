"""Officers talk on a case: a comment (mentions tell the people named) and an assignment
(the new owner is told). Both are on the case's timeline: who, when, what."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shipments.choices import TimelineKind
from shipments.models import Case, TimelineEvent
from shipments.ports import people_told
from shipments.services._common import OWNER_PERMISSION, _event
from shipments.services.cases import case_update

COMMENT_PERMISSION = "shipments.add_timelineevent"
COMMENT_MAX = 4000
# "@olga" or "@o.petrova": a username as Django allows it (letters, digits, @ . + - _),
# not ending in punctuation that closes a sentence.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*[\w+-])")


def mentioned(body: str) -> list[str]:
    """The usernames a comment names, in order, each once."""
    return list(dict.fromkeys(MENTION.findall(body)))


@transaction.atomic
def case_comment_add(*, case: Case, actor: AbstractBaseUser, body: str) -> TimelineEvent:
    """A comment on the case's timeline; each person @mentioned (who may see cases) is told."""
    if not actor.has_perm(COMMENT_PERMISSION):
        raise PermissionDenied("Commenting needs the compliance officer role.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something."})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": f"At most {COMMENT_MAX} characters ({len(body)} given)."})
    names = mentioned(body)
    users = {
        u.get_username().lower(): u
        for u in get_user_model().objects.filter(is_active=True, username__in=names)
    }
    unknown = [n for n in names if n.lower() not in users]
    if unknown:
        raise ValidationError(
            {"body": f"No one here is called {', '.join('@' + n for n in unknown)}."}
        )
    people = [users[n.lower()] for n in names]
    blind = [p.get_username() for p in people if not p.has_perm("shipments.view_case")]
    if blind:
        raise ValidationError({"body": f"{', '.join('@' + n for n in blind)} cannot see cases."})
    event = _event(
        case,
        actor,
        TimelineKind.NOTE,
        body,
        body=body,
        mentions=[p.pk for p in people],
    )
    told = [p.pk for p in people if p.pk != actor.pk]
    if told:
        people_told(why="mentioned", case_id=case.pk, event_id=event.pk, people=told)
    return event


@transaction.atomic
def case_assign(*, case: Case, actor: AbstractBaseUser, owner: AbstractBaseUser) -> Case:
    """Give the case to another officer; recorded on the timeline, the new owner is told."""
    if not actor.has_perm(OWNER_PERMISSION):
        raise PermissionDenied("Assigning a case needs the compliance officer role.")
    if owner.pk == case.owner_id:
        raise ValidationError({"owner": f"{owner.get_username()} already owns this case."})
    case_update(case=case, actor=actor, changes={"owner": owner})
    if owner.pk != actor.pk:
        event = case.timeline.filter(kind=TimelineKind.FIELD_CHANGED, data__field="owner").first()
        people_told(why="assigned", case_id=case.pk, event_id=event.pk, people=[owner.pk])
    return case

"""Reads for dispositions: the approved ones as method inputs (in bulk), a case's list, and
the approval queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import APPROVE_DISPOSITION
from assessments.choices import DispositionStatus
from assessments.models import Disposition
from method.inputs import DispositionFacts


def person_name(user) -> str:
    """How a disposition names a person (in the method's inputs, reasons and e-mail)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def disposition_facts(d: Disposition) -> DispositionFacts:
    """An approved disposition as the method reads it."""
    return DispositionFacts(
        id=d.pk,
        kind=d.kind,
        author=person_name(d.author),
        approver=person_name(d.approver),
        decided_on=timezone.localdate(d.decided_at),
        expires_on=d.expires_on,
        reason=d.reason,
        factor=d.factor,
        accepted_severity=d.accepted_severity,
        entry_id=d.watch_entry_id,
        party_role=d.party_role,
        party_name=d.party_name,
        basis=tuple((part, digest) for part, digest in d.basis),
    )


def approved_dispositions(case_ids: Iterable[int] | None = None) -> QuerySet[Disposition]:
    """Approved dispositions (the method's inputs), with the people the facts name."""
    qs = Disposition.objects.filter(status=DispositionStatus.APPROVED).select_related(
        "author", "approver"
    )
    if case_ids is not None:
        qs = qs.filter(case_id__in=list(case_ids))
    return qs.order_by("pk")


def approved_dispositions_by_case(case_ids: Iterable[int]) -> dict[int, list[Disposition]]:
    """One query for a batch: each case's approved dispositions, oldest first."""
    found: dict[int, list[Disposition]] = defaultdict(list)
    for d in approved_dispositions(case_ids):
        found[d.case_id].append(d)
    return found


def case_dispositions(case) -> QuerySet[Disposition]:
    """Every disposition of a case, newest first, with what the panel shows."""
    return (
        Disposition.objects.filter(case=case)
        .select_related("author", "approver", "watch_entry", "watch_entry__watch_list")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def dispositions_awaiting(user: AbstractBaseUser) -> QuerySet[Disposition]:
    """Pending dispositions this person may approve: not their own ("Awaiting my approval")."""
    if not user.is_authenticated or not user.has_perm(APPROVE_DISPOSITION):
        return Disposition.objects.none()
    return (
        Disposition.objects.filter(status=DispositionStatus.PENDING)
        .exclude(author=user)
        .select_related("case", "author", "watch_entry")
        .prefetch_related("evidence")
        .order_by("expires_on", "created_at", "pk")
    )

"""Reads the notification services, tasks and pages share."""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from assessments.models import Assessment
from shipments.models import Case

from .choices import MessageStatus
from .models import DigestItem, OutboxMessage


def case_recipients(*, case: Case) -> list[AbstractBaseUser]:
    """The case's owner and watchers, once each, active users only, owner first."""
    people = [case.owner, *case.watchers.order_by("pk")]
    seen: set[int] = set()
    recipients = []
    for person in people:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        recipients.append(person)
    return recipients


def band_changes(*, since: dt.datetime, until: dt.datetime) -> QuerySet[Assessment]:
    """Assessments created in (since, until] whose band differs from the one before."""
    return (
        Assessment.objects.filter(
            previous__isnull=False, created_at__gt=since, created_at__lte=until
        )
        .exclude(band=F("previous__band"))
        .select_related("case", "previous", "reference_change")
    )


def band_changes_for_user(
    *, user: AbstractBaseUser, since: dt.datetime, until: dt.datetime
) -> QuerySet[Assessment]:
    """Band changes on cases the user owns or watches."""
    return (
        band_changes(since=since, until=until)
        .filter(Q(case__owner=user) | Q(case__watchers=user))
        .distinct()
        .order_by("created_at", "pk")
    )


def digest_candidate_user_ids(*, since: dt.datetime, until: dt.datetime) -> set[int]:
    """Users who may have something for a digest: pending items, or a band change on a case."""
    changed = band_changes(since=since, until=until)
    owners = changed.values_list("case__owner_id", flat=True)
    watchers = Case.watchers.through.objects.filter(case__assessments__in=changed).values_list(
        "user_id", flat=True
    )
    pending = DigestItem.objects.filter(sent_in__isnull=True).values_list("user_id", flat=True)
    return {*owners, *watchers, *pending}


def digest_items_pending(*, user: AbstractBaseUser) -> QuerySet[DigestItem]:
    return (
        DigestItem.objects.filter(user=user, sent_in__isnull=True)
        .select_related(
            "assessment",
            "assessment__case",
            "assessment__previous",
            "assessment__reference_change",
        )
        .order_by("assessment__created_at", "pk")
    )


def outbox_due_for_retry(
    *,
    now: dt.datetime,
    retry_after: dt.timedelta,
    sending_lease: dt.timedelta,
    max_attempts: int,
) -> QuerySet[OutboxMessage]:
    """Messages a lost or failed task left behind.

    Pending rows older than `retry_after` (their task should have run by now), failed rows
    whose last attempt is older than that, and rows stuck in `sending` past the lease (the
    worker died mid-send), all below the attempt cap.
    """
    return (
        OutboxMessage.objects.filter(attempts__lt=max_attempts)
        .filter(
            Q(status=MessageStatus.PENDING, created_at__lt=now - retry_after)
            | Q(status=MessageStatus.FAILED, last_attempt_at__lt=now - retry_after)
            | Q(status=MessageStatus.SENDING, last_attempt_at__lt=now - sending_lease)
        )
        .order_by("created_at", "pk")
    )


def outbox_list(*, status: str | None = None) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.select_related("recipient", "case").defer(
        "body_text", "body_html"
    )
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-pk")

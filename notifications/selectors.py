"""Reads the notification services, tasks and pages share."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, F, Min, Q, QuerySet

from assessments.models import Assessment
from shipments.models import Case

from .choices import DeliveryMode, MessageKind, MessageStatus
from .models import DigestItem, DocumentReminder, OutboxMessage, WebhookDelivery, WebhookEndpoint


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
    reminders = DocumentReminder.objects.filter(
        mode=DeliveryMode.DIGEST, sent_in__isnull=True
    ).values_list("user_id", flat=True)
    return {*owners, *watchers, *pending, *reminders}


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


def _due(*, now: dt.datetime) -> Q:
    """Rows whose next attempt has come: pending, failed, or sending past the lease (the
    sender died; `next_attempt_at` was set to the end of its lease when it claimed the row).
    The same for outbox messages and webhook deliveries (services._rows)."""
    return Q(
        status__in=(MessageStatus.PENDING, MessageStatus.FAILED, MessageStatus.SENDING),
        next_attempt_at__lte=now,
    )


def outbox_due(*, now: dt.datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(_due(now=now))


def webhook_deliveries_due(*, now: dt.datetime) -> QuerySet[WebhookDelivery]:
    """Due deliveries of active endpoints (a disabled endpoint's wait for its re-enabling)."""
    return WebhookDelivery.objects.filter(_due(now=now), endpoint__active=True).select_related(
        "endpoint"
    )


def webhook_endpoints_listening() -> QuerySet[WebhookEndpoint]:
    """Endpoints that get new deliveries: active, or disabled by failures (their deliveries
    wait for staff to re-enable them, so nothing is lost). Not those staff switched off."""
    return WebhookEndpoint.objects.filter(Q(active=True) | Q(disabled_at__isnull=False))


@dataclass(frozen=True)
class OutboxTrouble:
    failing: int
    dead: int
    since: dt.datetime | None  # the earliest first failure among them

    @property
    def any(self) -> bool:
        return bool(self.failing or self.dead)


def outbox_trouble(
    *, now: dt.datetime, failing_for: dt.timedelta = dt.timedelta(0)
) -> OutboxTrouble:
    """Mail that is not going out: rows failing for at least `failing_for`, and dead letters.
    Staff notices about the trouble are not counted (they fail for the same reason)."""
    rows = OutboxMessage.objects.exclude(kind=MessageKind.STAFF)
    failing = Q(status=MessageStatus.FAILED, first_failed_at__lte=now - failing_for) | Q(
        status=MessageStatus.SENDING, first_failed_at__lte=now - failing_for
    )
    counts = rows.aggregate(
        failing=Count("pk", filter=failing),
        dead=Count("pk", filter=Q(status=MessageStatus.DEAD)),
        since=Min("first_failed_at", filter=failing | Q(status=MessageStatus.DEAD)),
    )
    return OutboxTrouble(failing=counts["failing"], dead=counts["dead"], since=counts["since"])


def outbox_list(*, status: str | None = None) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.select_related("recipient", "case").defer(
        "body_text", "body_html"
    )
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-pk")

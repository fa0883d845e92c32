from .calendar import CalendarDay, HolidayNotice
from .changes import ReferenceChange
from .destinations import DESTINATION_FIELDS, DestinationRestriction
from .elements import Element, HSCode
from .lists import ApprovedListEntry, ApprovedListVersion
from .measures import Authority, Measure, Suspension
from .producers import Producer, ProducerGroup
from .quotas import QuotaAllocation, QuotaBatch, QuotaCycle, QuotaUtilisation
from .technology import TechnologyClass, TechnologyItem
from .watchlists import (
    WATCH_ENTRY_FIELDS,
    WATCH_NOTICE_FIELDS,
    WatchEffect,
    WatchList,
    WatchListEntry,
    WatchNotice,
)

__all__ = [
    "DESTINATION_FIELDS",
    "WATCH_ENTRY_FIELDS",
    "WATCH_NOTICE_FIELDS",
    "ApprovedListEntry",
    "ApprovedListVersion",
    "Authority",
    "CalendarDay",
    "DestinationRestriction",
    "Element",
    "HSCode",
    "HolidayNotice",
    "Measure",
    "Producer",
    "ProducerGroup",
    "QuotaAllocation",
    "QuotaBatch",
    "QuotaCycle",
    "QuotaUtilisation",
    "ReferenceChange",
    "Suspension",
    "TechnologyClass",
    "TechnologyItem",
    "WatchEffect",
    "WatchList",
    "WatchListEntry",
    "WatchNotice",
]

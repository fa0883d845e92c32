"""CSV/XLSX import and export of reference data, by sub-domain (as registry/services and
registry/admin are). See `base` for what every resource guarantees."""

from .base import JSONListField, ListWidget, RegistryResource, StrictManyToManyWidget
from .calendar import CalendarDayResource, HolidayNoticeResource
from .catalogue import AuthorityResource, ElementResource, HSCodeResource
from .changes import ReferenceChangeResource
from .destinations import DestinationRestrictionResource
from .lists import ApprovedListEntryResource, ApprovedListVersionResource
from .measures import MeasureResource, SuspensionResource
from .producers import ProducerGroupResource, ProducerResource
from .quotas import (
    CycleYearWidget,
    QuotaAllocationResource,
    QuotaBatchResource,
    QuotaCycleResource,
    QuotaUtilisationResource,
)
from .watchlists import WatchListEntryResource, WatchListResource

__all__ = [
    "ApprovedListEntryResource",
    "ApprovedListVersionResource",
    "AuthorityResource",
    "CalendarDayResource",
    "CycleYearWidget",
    "DestinationRestrictionResource",
    "ElementResource",
    "HSCodeResource",
    "HolidayNoticeResource",
    "JSONListField",
    "ListWidget",
    "MeasureResource",
    "ProducerGroupResource",
    "ProducerResource",
    "QuotaAllocationResource",
    "QuotaBatchResource",
    "QuotaCycleResource",
    "QuotaUtilisationResource",
    "ReferenceChangeResource",
    "RegistryResource",
    "StrictManyToManyWidget",
    "SuspensionResource",
    "WatchListEntryResource",
    "WatchListResource",
]

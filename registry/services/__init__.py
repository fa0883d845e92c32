"""Registry writes. Every write that can move an assessment records a ReferenceChange."""

from .calendar import calendar_day_set
from .changes import changes_recorded, reference_change_record
from .destinations import (
    destination_change_record,
    destination_restriction_delete,
    destination_restriction_save,
)
from .lists import (
    ListDiff,
    approved_list_diff,
    approved_list_entry_delete,
    approved_list_entry_set,
    approved_list_publish,
    approved_list_version_create,
    approved_list_version_delete,
    approved_list_version_update,
)
from .measures import measure_create, measure_update, suspension_delete, suspension_set
from .producers import producer_create, producer_group_save, producer_update
from .quotas import (
    allocation_change_record,
    quota_allocation_delete,
    quota_allocation_set,
    quota_batch_delete,
    quota_batch_issue,
    quota_cycle_upsert,
    quota_utilisation_delete,
    quota_utilisation_report,
    quota_utilisation_rows,
)
from .technology import technology_item_delete, technology_item_save
from .watchlists import (
    watch_list_entry_remove,
    watch_list_entry_upsert,
    watch_list_import,
    watch_notice_save,
)

__all__ = [
    "ListDiff",
    "allocation_change_record",
    "approved_list_diff",
    "approved_list_entry_delete",
    "approved_list_entry_set",
    "approved_list_publish",
    "approved_list_version_create",
    "approved_list_version_delete",
    "approved_list_version_update",
    "calendar_day_set",
    "changes_recorded",
    "destination_change_record",
    "destination_restriction_delete",
    "destination_restriction_save",
    "measure_create",
    "measure_update",
    "producer_create",
    "producer_group_save",
    "producer_update",
    "quota_allocation_delete",
    "quota_allocation_set",
    "quota_batch_delete",
    "quota_batch_issue",
    "quota_cycle_upsert",
    "quota_utilisation_delete",
    "quota_utilisation_report",
    "quota_utilisation_rows",
    "reference_change_record",
    "suspension_delete",
    "suspension_set",
    "technology_item_delete",
    "technology_item_save",
    "watch_list_entry_remove",
    "watch_list_entry_upsert",
    "watch_list_import",
    "watch_notice_save",
]

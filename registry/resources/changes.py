"""The audit trail of reference changes (export only)."""

from registry.exports import SafeExportResource
from registry.models import ReferenceChange


class ReferenceChangeResource(SafeExportResource):
    """Export only: the audit trail of reference changes."""

    class Meta:
        model = ReferenceChange
        fields = (
            "id", "created_at", "kind", "summary", "actor__username", "status", "affected_count",
            "done_count", "band_changed_count", "producer_ids", "group_ids", "elements", "forms",
            "date_from", "date_to", "party_names", "destinations",
        )  # fmt: skip

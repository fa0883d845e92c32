"""Destination restrictions (UN sanctions, Chinese countermeasures), matched by country and
instrument."""

from registry.models import DESTINATION_FIELDS, DestinationRestriction
from registry.services.destinations import destination_change_record
from registry.services.keys import DestinationWindow

from .base import RegistryResource


def _window(old: dict | None) -> DestinationWindow | None:
    """Where and when a restriction applied before the import (None for a new one)."""
    if old is None:
        return None
    return DestinationWindow(old["country"], old["effective_from"], old.get("effective_to"))


class DestinationRestrictionResource(RegistryResource):
    class Meta:
        model = DestinationRestriction
        import_id_fields = ("country", "instrument")
        fields = DESTINATION_FIELDS
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        countries = sorted({r.country for r in instances})
        return destination_change_record(
            changes=[(r, _window(self.old_values(r))) for r in instances],
            summary=f"{len(instances)} destination restriction(s) imported "
            f"({', '.join(countries)})",
            details=self.change_details(instances, file_name),
            actor=actor,
        )

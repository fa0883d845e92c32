"""Holiday notices and the working-day calendar."""

from registry.choices import ChangeKind
from registry.models import CalendarDay, HolidayNotice
from registry.services.keys import calendar_keys

from .base import RegistryResource


class HolidayNoticeResource(RegistryResource):
    class Meta:
        model = HolidayNotice
        import_id_fields = ("year",)
        fields = ("year", "title", "doc_no", "published_on", "source", "confidence")
        clean_model_instances = True
        skip_unchanged = True


class CalendarDayResource(RegistryResource):
    class Meta:
        model = CalendarDay
        import_id_fields = ("date",)
        fields = ("date", "kind", "name")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        first = min(d.date for d in instances)
        return self.record(
            kind=ChangeKind.CALENDAR,
            summary=f"Working-day calendar: {len(instances)} day(s) imported from {first}",
            instances=instances,
            keys=calendar_keys(first=first),
            actor=actor,
            file_name=file_name,
        )

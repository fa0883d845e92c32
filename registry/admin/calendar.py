from django.contrib import admin

from registry import services
from registry.models import CalendarDay, HolidayNotice
from registry.resources import CalendarDayResource, HolidayNoticeResource

from .base import RegistryAdmin


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(RegistryAdmin):
    resource_classes = [HolidayNoticeResource]
    list_display = ("year", "title", "doc_no", "published_on", "confidence")
    search_fields = ("title", "doc_no")


@admin.register(CalendarDay)
class CalendarDayAdmin(RegistryAdmin):
    resource_classes = [CalendarDayResource]
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj else ()

    def save_model(self, request, obj, form, change):
        obj.pk = services.calendar_day_set(
            date=obj.date, kind=obj.kind, name=obj.name, actor=request.user
        ).pk

    def delete_model(self, request, obj):
        services.calendar_day_set(date=obj.date, kind=None, actor=request.user)

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Provide the assessments.band_worsened port (assessments/ports.py).
        from assessments.ports import band_worsened
        from notifications.services import band_worsened_queue

        band_worsened.provide(band_worsened_queue)

        from assessments.ports import case_events
        from notifications.services.events import case_events_record

        case_events.provide(case_events_record)

        from notifications.services.mentions import people_told_queue
        from shipments.ports import people_told

        people_told.provide(people_told_queue)

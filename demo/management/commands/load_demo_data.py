"""`manage.py load_demo_data`: demo users and 64 realistic shipment cases (demo/loading.py).

Run `load_reference_data` first (it is run here when the elements are missing).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loading import demo_load


class Command(BaseCommand):
    help = "Create demo users (password = username + '-demo') and 64 demo shipment cases."

    def handle(self, *args, **options) -> None:
        if not settings.LODESTONE_DEMO_DATA_ALLOWED:
            raise CommandError(
                "Refusing to load demo data: these settings are for production "
                "(LODESTONE_DEMO_DATA_ALLOWED is off). Demo accounts have known passwords "
                "(admin / admin-demo); never create them on a real installation."
            )
        report = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {report.users} users, {report.created} new case(s), "
                f"{report.demo_cases} demo cases."
            )
        )

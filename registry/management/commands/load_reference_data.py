from django.core.management.base import BaseCommand

from registry.loading import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference facts in registry/data/ (elements, HS codes, measures, producer "
        "groups, quota cycles, watch lists, holidays). Safe to run again: rows are matched by "
        "natural key and only changed values are written. Records no reference changes."
    )

    def handle(self, *args, **options) -> None:
        counts = load_reference_data()
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded. {summary}"))

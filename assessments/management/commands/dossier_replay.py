"""Replay every assessment in an exported audit dossier (JSON) and say whether each matches."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.dossier import dossier_replay


class Command(BaseCommand):
    help = "Replay the assessments of a dossier JSON file; exit 1 if any does not match."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A dossier exported from the case page (…/dossier.json).")

    def handle(self, *args, path: str, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            results = dossier_replay(data)
        except (OSError, ValueError, KeyError) as e:
            raise CommandError(f"{path}: {e}") from e
        bad = 0
        for r in results:
            state = "matches" if r.matches else f"DIFFERS{': ' + r.error if r.error else ''}"
            self.stdout.write(
                f"assessment #{r.assessment_id} ({r.stored_method_version}): {r.stored_band} "
                f"-> {r.replayed_band or '-'}; {state}"
            )
            bad += not r.matches
        if bad:
            raise CommandError(f"{bad} of {len(results)} assessments do not replay")
        self.stdout.write(self.style.SUCCESS(f"all {len(results)} assessments replay"))

"""Replay stored assessments through the pure method and report any that differ.

`--fingerprint` also prints one sha256 over every snapshot's id, inputs hash, band, score and
replay outcome: run it before and after a storage migration (or a restore) and compare.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.services import assessment_replay


class Command(BaseCommand):
    help = "Re-run the method on stored assessment inputs; exit 1 when one does not match."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", help="Case reference: replay all its assessments.")
        which.add_argument("--id", type=int, help="One assessment id.")
        which.add_argument("--all", action="store_true", help="Every stored assessment.")
        parser.add_argument(
            "--fingerprint",
            action="store_true",
            help="Print a sha256 over every replayed snapshot and its outcome.",
        )

    def handle(self, *args, **options):
        qs = Assessment.objects.select_related("case", "reference_part").order_by("pk")
        if options["id"] is not None:
            qs = qs.filter(pk=options["id"])
        elif options["case"]:
            qs = qs.filter(case__reference=options["case"])
        if not qs.exists():
            raise CommandError("No assessment matches.")
        total = mismatches = 0
        fingerprint = hashlib.sha256()
        for assessment in qs.iterator(chunk_size=500):
            total += 1
            r = assessment_replay(assessment=assessment)
            line = f"{r.assessment_id} {assessment.inputs_hash} {r.replayed_band} "
            fingerprint.update(f"{line}{r.replayed_score} {r.matches}\n".encode())
            status = "ok" if r.matches else "MISMATCH"
            if not r.matches:
                mismatches += 1
            if not r.matches or options["verbosity"] > 1 or options["id"] or options["case"]:
                detail = (
                    f"#{r.assessment_id} {assessment.case.reference}: {status} stored "
                    f"{r.stored_band}/{r.stored_score} replayed {r.replayed_band}/"
                    f"{r.replayed_score} hash {'ok' if r.hash_ok else 'DIFFERS'} factors "
                    f"{'ok' if r.factors_ok else 'DIFFER'} (method {r.stored_method_version}"
                    f" -> {r.method_version}){' ' + r.error if r.error else ''}"
                )
                self.stdout.write(detail)
        self.stdout.write(f"{total} replayed, {mismatches} mismatched")
        if options["fingerprint"]:
            self.stdout.write(f"fingerprint {fingerprint.hexdigest()}")
        if mismatches:
            raise SystemExit(1)

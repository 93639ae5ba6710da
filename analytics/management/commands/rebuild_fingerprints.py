"""Fingerprint every appeal again and bring the open duplicate pairs up to date."""

from django.core.management.base import BaseCommand

from analytics.services import duplicates


class Command(BaseCommand):
    help = (
        "Recompute every appeal's near-duplicate fingerprint (after a change to the letter phrases, the "
        "district's place names or the shingles), withdraw open pairs that no longer look alike and "
        "record the pairs that now do. Judged pairs (merged, dismissed) are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="appeals per transaction")

    def handle(self, *args, batch_size=500, **options):
        result = duplicates.rebuild_fingerprints(batch_size=batch_size)
        self.stdout.write(
            f"fingerprinted {result['fingerprinted']} appeals; withdrew {result['withdrawn']} open pairs; "
            f"{result['open_pairs']} open pairs now"
        )

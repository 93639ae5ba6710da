"""Fingerprint every appeal again and bring the open duplicate pairs up to date."""

from django.core.management.base import BaseCommand

from analytics.services import duplicates


class Command(BaseCommand):
    help = (
        "Recompute every appeal's near-duplicate fingerprint (after a change to the letter phrases, the "
        "district's place names or the shingles), withdraw open pairs that no longer look alike and "
        "record the pairs that now do. Judged pairs (merged, dismissed) are kept. With --stale, only the "
        "appeals whose fingerprint was computed with another lexicon, other place names or older code than "
        "today's (run it nightly: edits of the lexicon and of towns and communities take effect there)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="appeals per transaction")
        parser.add_argument("--stale", action="store_true", help="only fingerprints of another recipe, or none")

    def handle(self, *args, batch_size=500, stale=False, **options):
        result = duplicates.rebuild_fingerprints(batch_size=batch_size, stale_only=stale)
        self.stdout.write(
            f"fingerprinted {result['fingerprinted']} appeals; withdrew {result['withdrawn']} open pairs; "
            f"{result['open_pairs']} open pairs now"
        )

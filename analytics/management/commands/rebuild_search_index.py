"""Rebuild the full-text index of every registered kind (or of some)."""

from django.core.management.base import BaseCommand

from analytics import registry
from analytics.services import search


class Command(BaseCommand):
    help = "Re-segment and re-index every searchable record."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="kinds to rebuild (default all)")

    def handle(self, *args, kinds=None, **options):
        known = {k.key for k in registry.all_kinds()}
        unknown = set(kinds or []) - known
        if unknown:
            self.stderr.write(f"unknown kinds: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
            return
        for key, n in search.rebuild_index(kinds=kinds or None).items():
            self.stdout.write(f"{key}: {n}")

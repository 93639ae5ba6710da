"""Train a routing model from labelled appeals (or a CSV), store it as a new version with its metrics."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.services import routing
from core.exceptions import DomainError


class Command(BaseCommand):
    help = "Train the routing classifier; it is switched on only if not worse on the held-out part."

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, help="train the category head from a CSV instead of the records")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")
        parser.add_argument("--force", action="store_true", help="switch to the new model even if it is worse")

    def handle(self, *args, csv=None, text_column="text", label_column="label", force=False, **options):
        try:
            if csv is not None:
                if not csv.exists():
                    raise CommandError(f"{csv} does not exist")
                rows = routing.csv_rows(csv, text_column=text_column, label_column=label_column)
                source = f"csv:{csv.name}"
            else:
                rows, source = routing.labelled_rows(), "records"
            version = routing.train_routing_model(rows=rows, source=source, force=force)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"v{version.number}: {version.n_train} train / {version.n_holdout} held out, "
            f"{version.train_seconds:.2f} s, active={version.is_active}"
        )
        for head, m in version.metrics.items():
            base = version.baseline_metrics.get(head)
            vs = f" (in use: {base['macro_f1']:.4f})" if base else ""
            self.stdout.write(f"  {head}: macro-F1 {m['macro_f1']:.4f}, accuracy {m['accuracy']:.4f}, n={m['n']}{vs}")
        self.stdout.write(str(version.decision))

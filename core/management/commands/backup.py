from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one .tar.gz with a manifest of counts and checksums."

    def add_arguments(self, parser):
        default = Path(settings.BASE_DIR) / "var" / "backups" / f"xieshang-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        parser.add_argument("--output", type=Path, default=default)

    def handle(self, *args, output: Path, **options):
        manifest = create_backup(output)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup written: {output} ({rows} rows in {len(manifest['tables'])} tables, "
            f"{len(manifest['files'])} files)"
        )

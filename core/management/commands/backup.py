from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and uploaded files into one .tar.gz (mode 0600) with a manifest of counts and "
        "checksums; refuses a database with no applied migrations."
    )

    def add_arguments(self, parser):
        default = Path(settings.BASE_DIR) / "var" / "backups" / f"xieshang-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        parser.add_argument("--output", type=Path, default=default)

    def handle(self, *args, output: Path, **options):
        try:
            manifest = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup written: {output} ({rows} rows in {len(manifest['tables'])} tables, "
            f"{len(manifest['files'])} files)"
        )

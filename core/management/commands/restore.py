from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive (database + files) and verify row counts and file checksums."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive: Path, yes: bool, **options):
        if not archive.exists():
            raise CommandError(f"no such archive: {archive}")
        if not yes:
            raise CommandError("restore replaces the current database and files: re-run with --yes")
        try:
            report = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report["key_ok"]:
            raise CommandError(
                "restore verification failed: FIELD_ENCRYPTION_KEY does not match this backup (the restored "
                "personal data cannot be decrypted with the current key; install the key kept with the backups)"
            )
        if not report["ok"]:
            raise CommandError(f"restore verification failed: tables {report['tables']} files {report['files']}")
        self.stdout.write(
            self.style.SUCCESS(f"restored and verified: {report['table_count']} tables, {report['file_count']} files")
        )

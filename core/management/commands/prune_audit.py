from datetime import timedelta

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

# Cybersecurity Law art. 21: network logs are kept for at least six months.
MIN_DAYS = 180


def audit_tables():
    """(model, date field) of every audit log the command may prune: edit history, data access, logins.

    StatusChange rows are not audit logs but the record of decisions (timelines, accountability
    pages): they are kept for the life of their records and never pruned here.
    """
    from core.models import PersonalDataAccess

    tables = [(PersonalDataAccess, "created_at")]
    # The rows recording a history row's many-to-many values (a user's roles) go with it, and first: they
    # are found through it and nothing in the database deletes them (simple-history's DO_NOTHING).
    for model in apps.get_models():
        if any(f.name == "m2m_history_id" for f in model._meta.concrete_fields):
            tables.append((model, "history__history_date"))
    for model in apps.get_models():
        if any(f.name == "history_date" for f in model._meta.concrete_fields):
            tables.append((model, "history_date"))
    for label, field in (("axes.AccessLog", "attempt_time"), ("axes.AccessAttempt", "attempt_time")):
        try:
            tables.append((apps.get_model(label), field))
        except LookupError:
            pass
    return tables


class Command(BaseCommand):
    help = (
        "Delete audit log rows (edit history, personal-data access log, login records) older than N days. "
        f"Refuses N < {MIN_DAYS}: logs are kept at least six months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, older_than_days: int, dry_run: bool, **options):
        if older_than_days < MIN_DAYS:
            raise CommandError(
                f"Refusing to prune audit logs younger than {MIN_DAYS} days (asked: {older_than_days}); "
                "the Cybersecurity Law requires keeping them at least six months."
            )
        cutoff = timezone.now() - timedelta(days=older_than_days)
        total = 0
        with transaction.atomic():
            for model, field in audit_tables():
                qs = model._default_manager.filter(**{f"{field}__lt": cutoff})
                n = qs.count() if dry_run else qs.delete()[0]
                total += n
                if n:
                    self.stdout.write(f"  {model._meta.label}: {n}")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {total} audit rows older than {cutoff:%Y-%m-%d}")

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.scale import Generator, NotEmpty, check_database


class Command(BaseCommand):
    help = (
        "Fill an empty database with a SYNTHETIC city for scale benchmarks: N appeals over five years, "
        "~20,000 proposals, 500 members, 200 departments, with their transitions, history and index rows. "
        "Refuses a database holding demo or real data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, required=True, help="number of appeals, e.g. 1000000")
        parser.add_argument("--proposals", type=int, default=20_000)
        parser.add_argument("--members", type=int, default=500)
        parser.add_argument("--departments", type=int, default=200)
        parser.add_argument("--batch", type=int, default=5_000, help="rows per bulk insert")
        parser.add_argument("--contact-share", type=float, default=0.1, help="share of appeals with contact data")
        parser.add_argument("--seed", type=int, default=20221)
        parser.add_argument("--force", action="store_true", help="generate even into a database that holds data")

    def handle(self, *args, appeals, proposals, members, departments, batch, contact_share, seed, force, **opts):
        if appeals < 0 or proposals < 0 or members < 1 or departments < 20:
            raise CommandError("--appeals/--proposals must be ≥ 0, --members ≥ 1, --departments ≥ 20")
        try:
            check_database(force=force)
        except NotEmpty as exc:
            raise CommandError(
                f"Refusing to generate synthetic data: {exc}. Use an empty database "
                "(e.g. DATABASE_URL=sqlite:///var/scale.sqlite3 manage.py migrate), or pass --force "
                "if you really mean to mix synthetic rows into this one."
            ) from exc
        self.stdout.write(
            f"Generating a SYNTHETIC city on {connection.vendor} ({connection.settings_dict['NAME']}): "
            f"{appeals:,} appeals, {proposals:,} proposals, {members} members, {departments} departments"
        )
        t0 = time.perf_counter()
        report = Generator(
            appeals=appeals,
            proposals=proposals,
            members=members,
            departments=departments,
            batch=batch,
            contact_share=contact_share,
            seed=seed,
            log=self.stdout.write,
        ).run()
        total = time.perf_counter() - t0
        for key, n in report.counts.items():
            self.stdout.write(f"  {key}: {n:,}")
        self.stdout.write(self.style.SUCCESS(f"synthetic city generated in {total:.0f} s"))

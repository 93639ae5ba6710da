from django.core.management.base import BaseCommand

from core.demo_runner import run_all


class Command(BaseCommand):
    help = "Load the demo district (Tong'an-like, labelled demo data). Safe to run again."

    def handle(self, *args, **options):
        ran = run_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"demo up to date ({len(ran)} loaders ran)"))

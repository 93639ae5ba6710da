"""Demo loading: every app may have `demo.py` with `load(ctx)`; each runs once (DemoMarker)."""

from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.test.utils import override_settings

from core.models import DemoMarker

DEMO_PASSWORD = "xieshang-demo"


def run_all(*, stdout=None) -> list[str]:
    """Run every app's demo loader that has not run yet, in INSTALLED_APPS order."""
    ran = []
    ctx: dict = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        name = f"demo:{config.label}"
        if hasattr(module, "context"):
            ctx.update(module.context())
        if DemoMarker.objects.filter(name=name).exists():
            continue
        # Demo data fires real workflow actions; their notifications go to the in-app inbox, but no
        # e-mail leaves the machine while the demo loads.
        with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            module.load(ctx)
            DemoMarker.objects.create(name=name)
        ran.append(config.label)
        if stdout:
            stdout.write(f"demo data loaded: {config.label}")
    return ran

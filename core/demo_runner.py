"""Demo loading: every app may have `demo.py` with `load(ctx)`; each runs once (DemoMarker)."""

from datetime import timedelta
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


# The moment of the story a demo loader is telling (`StoryClock.at`), for the rules that compare a record
# with "now" before a step (a meeting notice goes out before the meeting): None outside a story.
_story_moment: list = [None]


def story_now():
    """The story's moment while a demo loader tells it, else None (then the real time applies)."""
    return _story_moment[0]


class StoryClock:
    """Dates what a demo loader writes through the real services (which stamp "now") with the days of
    the story it tells: `at(moment)` before each step of the story, `live()` before writes that belong
    to today, `settle()` at the end. Every date-time written after a mark and before the next one
    (workflow steps, edit history, created/updated stamps, check-ins, notices) is moved back to that
    mark's moment, keeping its order; values the loader set itself (a meeting's date, a deadline
    relative to today) lie outside the marks and are left alone. What a step defers until the
    transaction commits (the notices of a workflow step) is moved with the step it belongs to."""

    SKIP_APPS = ("admin", "auth", "contenttypes", "sessions", "constance", "axes")

    def __init__(self) -> None:
        # (real time of the mark, the story's moment or None for "live", deferred callbacks so far)
        self.marks: list[tuple] = []

    def at(self, moment) -> None:
        from django.utils import timezone

        now = timezone.now()
        if moment >= now - timedelta(minutes=1):
            raise ValueError(f"a story step must lie in the past: {moment}")
        self.marks.append((now, moment, self._deferred()))
        _story_moment[0] = moment

    def live(self) -> None:
        """What is written from here on keeps its real time."""
        from django.utils import timezone

        self.marks.append((timezone.now(), None, self._deferred()))
        _story_moment[0] = None

    def settle(self) -> None:
        from django.db import connection
        from django.utils import timezone

        _story_moment[0] = None
        if not self.marks:
            return
        end, deferred = timezone.now(), self._deferred()
        bounds = [(m[0], m[2]) for m in self.marks[1:]] + [(end, deferred)]
        windows = [(real, until, moment) for (real, moment, _d), (until, _e) in zip(self.marks, bounds, strict=True)]
        _shift([(real, until, real - moment) for real, until, moment in windows if moment is not None])
        # Callbacks deferred to the commit run after this; what each writes goes to its window's moment.
        late: list[tuple] = []
        wrapped = False
        for (real, moment, first), (_until, last) in zip(self.marks, bounds, strict=True):
            if moment is None:
                continue
            for i in range(first, min(last, len(connection.run_on_commit))):
                sids, func, robust = connection.run_on_commit[i]
                connection.run_on_commit[i] = (sids, _recorded(func, real - moment, late), robust)
                wrapped = True
        if wrapped:
            connection.on_commit(lambda: _shift(late))
        self.marks = []

    @staticmethod
    def _deferred() -> int:
        from django.db import connection

        return len(connection.run_on_commit) if connection.in_atomic_block else 0


def _recorded(func, offset, late: list):
    """func, noting the span of time it ran in (to be moved back by offset once all have run)."""

    def run():
        from django.utils import timezone

        start = timezone.now()
        func()
        late.append((start, timezone.now(), offset))

    return run


def _shift(windows: list[tuple]) -> None:
    """Move every date-time written within each (start, end) back by its offset: one query per model
    field first, to skip those nothing was written to (most of them)."""
    from django.apps import apps as registry  # every model, whichever loaders run
    from django.db import models
    from django.db.models import F

    if not windows:
        return
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    for model in registry.get_models():
        if model._meta.app_label in StoryClock.SKIP_APPS or model is DemoMarker or not model._meta.managed:
            continue
        manager = model._base_manager
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateTimeField):
                continue
            name = field.attname
            if not manager.filter(**{f"{name}__gte": first, f"{name}__lt": last}).exists():
                continue
            # Each window is moved into the past, where no later window reaches.
            for start, end, offset in windows:
                manager.filter(**{f"{name}__gte": start, f"{name}__lt": end}).update(**{name: F(name) - offset})

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A tiny workflow used to test the shared mechanism in isolation (installed only under pytest)."""

    name = "core.tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        from core.tests.testapp import workflow  # noqa: F401

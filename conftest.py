"""Project-wide pytest fixtures: the cast of users (one per role) and the browser."""

import pytest


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    # A test on the shared demo reads the documents the demo wrote (core/tests/shared_demo.py).
    shared = request.getfixturevalue("shared_demo") if "shared_demo" in request.fixturenames else None
    settings.MEDIA_ROOT = shared or tmp_path / "media"
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A previous request may have left another language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def cast(db):
    """One user per role, named by role (cast.clerk, cast.member, ...), with a small district."""
    from accounts.tests.factories import Cast

    return Cast.build()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


pytest_plugins = ["core.tests.browser", "core.tests.shared_demo", "core.tests.all_ran"]

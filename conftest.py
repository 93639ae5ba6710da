"""Project-wide pytest fixtures: the cast of users (one per role) and the browser."""

import os


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(db):
    """One user per role, named by role (cast.clerk, cast.member, ...), with a small district."""
    from accounts.tests.factories import Cast

    return Cast.build()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


pytest_plugins = ["core.tests.browser"]

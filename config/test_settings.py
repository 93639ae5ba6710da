"""Settings for pytest: the real settings plus a tiny workflow app that tests the shared mechanism."""

import os

os.environ.setdefault("STATIC_PLAIN", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "core.tests.testapp"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests roll the database back between tests; a per-process copy of the rules would outlive that.
CONSTANCE_PROCESS_CACHE_SECONDS = 0
REFERENCE_DATA_CACHE_SECONDS = 0
INSIGHT_CACHE_SECONDS = 0

"""/api/v1/: the auth endpoint plus every app's `api.urlpatterns`."""

from importlib import import_module

from django.urls import path

from accounts.api import TokenObtainApi, WhoAmIApi
from core.api.files import FileDownloadApi

# app label -> prefix of its HTML pages
DOMAIN_APPS = {
    "district": "district/",
    "notifications": "notifications/",
    "topics": "plan/",
    "consultations": "consultations/",
    "supervision": "supervision/",
    "proposals": "proposals/",
    "opinions": "opinions/",
    "intake": "appeals/",
    "grassroots": "grassroots/",
    "analytics": "analytics/",
    "insight": "insight/",
    "open311": "open311/v2/",
    "webhooks": "webhooks/",
}

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/me/", WhoAmIApi.as_view(), name="api-me"),
    path("files/<str:token>/", FileDownloadApi.as_view(), name="api-file"),
]
for _app in DOMAIN_APPS:
    try:
        _module = import_module(f"{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_app}.api":
            raise
        continue
    urlpatterns += getattr(_module, "urlpatterns", [])

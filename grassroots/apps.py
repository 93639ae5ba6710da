from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "grassroots"

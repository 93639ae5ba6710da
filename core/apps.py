from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # settings.CONSTANCE_CONFIG is an empty dict that constance keeps a reference to: fill it in
        # place with the district rules declared in core.config.
        from django.conf import settings

        from core.config import CONSTANCE_CONFIG

        for key, value in CONSTANCE_CONFIG.items():
            settings.CONSTANCE_CONFIG.setdefault(key, value)

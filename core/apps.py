from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # settings.CONSTANCE_CONFIG is an empty dict that constance holds by reference: fill it with
        # the district rules declared in core.config (and their admin fieldsets).
        import constance.settings as constance_settings
        from django.conf import settings

        from core.config import CONSTANCE_CONFIG, CONSTANCE_CONFIG_FIELDSETS

        settings.CONSTANCE_CONFIG.update(CONSTANCE_CONFIG)
        constance_settings.CONFIG_FIELDSETS = CONSTANCE_CONFIG_FIELDSETS

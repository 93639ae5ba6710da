from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from core import checks, checks_operations, lookups  # noqa: F401  (the checks register themselves)
        from core.validators import use_own_nul_message

        lookups.register()
        use_own_nul_message()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhook")

    def ready(self) -> None:
        from accounts.predicates import is_clerk
        from core.nav import NavItem, register_nav
        from webhooks import receivers  # noqa: F401

        register_nav(NavItem("office", _("Webhook 接收端"), "webhooks:endpoints", "broadcast", 201, visible=is_clerk))

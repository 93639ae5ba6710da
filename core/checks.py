"""System checks of the deployment (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_the_public_address(app_configs, **kwargs):
    """Activation and password-reset links in e-mails start with SITE_URL: left at its development
    default, or on a host the site does not answer to, every such link is dead."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or ""
    problems = []
    if host in ("127.0.0.1", "localhost", "") or (
        settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS and not _allowed(host)
    ):
        problems.append(
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not the site's public address: the links in activation "
                "and password-reset e-mails would not open.",
                hint="Set SITE_URL to the address users open, e.g. https://zx.example.gov.cn",
                id="xieshang.W001",
            )
        )
    elif getattr(settings, "USE_TLS", False) and parts.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not https while the site runs behind TLS.",
                id="xieshang.W002",
            )
        )
    return problems


def _allowed(host: str) -> bool:
    from django.http.request import validate_host

    return validate_host(host, settings.ALLOWED_HOSTS)

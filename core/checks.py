"""System checks of the deployment (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core.env import DEVELOPMENT_FIELD_ENCRYPTION_KEY, DEVELOPMENT_SECRET_KEY

LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}


def _development_keys() -> list[Error]:
    """The settings that hold their public development value, as errors (none with DEBUG on)."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the built-in development key, which is public: anyone can forge sessions and "
                "password-reset links.",
                hint="Set DJANGO_SECRET_KEY_FILE (or DJANGO_SECRET_KEY) to a long random secret of this site.",
                id="xieshang.E001",
            )
        )
    if settings.FIELD_ENCRYPTION_KEY == DEVELOPMENT_FIELD_ENCRYPTION_KEY:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEY is the built-in development key, which is public: the encrypted phone "
                "numbers, ID numbers and addresses can be read by anyone with the database or a backup.",
                hint="Set FIELD_ENCRYPTION_KEY_FILE to a file holding base64 of 32 random bytes "
                "(`head -c32 /dev/urandom | base64`), and keep a copy with the backups. With existing data "
                "written under the development key, keep that key until the data is re-encrypted.",
                id="xieshang.E002",
            )
        )
    return errors


def _evidently_deployed() -> bool:
    """Settings only a deployment sets: TLS, a public host name, a public SITE_URL. `make run` and the
    tests (DEBUG off, nothing set) are none of these."""
    hosts = set(settings.ALLOWED_HOSTS) - LOCAL_HOSTS
    site_host = urlsplit(settings.SITE_URL).hostname or ""
    return bool(getattr(settings, "USE_TLS", False) or hosts or (site_host and site_host not in LOCAL_HOSTS))


@register(Tags.security)
def development_keys_on_a_deployment(app_configs, **kwargs):
    """Every management command (migrate, the cron jobs) refuses to run on a deployment left with the
    public development keys."""
    return _development_keys() if _evidently_deployed() else []


@register(Tags.security, deploy=True)
def development_keys_with_debug_off(app_configs, **kwargs):
    """`check --deploy` refuses them whenever DEBUG is off (the check above already reports a deployment)."""
    return [] if _evidently_deployed() else _development_keys()


@register(Tags.security, deploy=True)
def account_safety_settings(app_configs, **kwargs):
    problems = []
    if not settings.ENFORCE_STAFF_2FA:
        problems.append(
            Warning(
                "ENFORCE_STAFF_2FA is off: staff accounts sign in with a password alone.",
                hint="Set ENFORCE_STAFF_2FA=true (graded protection).",
                id="xieshang.W003",
            )
        )
    if not settings.EMAIL_HOST:
        problems.append(
            Warning(
                "EMAIL_HOST is not set: activation and password-reset e-mails, with their links, are written "
                "to the process log instead of being sent.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD_FILE as needed).",
                id="xieshang.W004",
            )
        )
    return problems


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

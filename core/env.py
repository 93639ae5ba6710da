"""Strict readers for settings that come from the environment (12-factor)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The built-in values that let `make run` and the tests start without any setting. They are public (in
# this repository): core.checks refuses them once DEBUG is off on a deployment.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-" + "x" * 20
DEVELOPMENT_FIELD_ENCRYPTION_KEY = "eGllc2hhbmctZGV2LWtleS0zMmJ5dGVzLWxvbmchISE="


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise ImproperlyConfigured(f"{name}={raw!r}: use 'true' or 'false'")
    return raw.lower() == "true"


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (10.0.0.0/8), each checked; empty by default."""
    import ipaddress

    entries = env_list(name, [])
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an IP address or network") from exc
    return entries

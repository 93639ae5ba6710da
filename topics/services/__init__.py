"""Writes for 拟题/确题. Other apps start a topic suggestion with `create_suggestion(source=...)`."""

from topics.services.suggestions import create_suggestion

__all__ = ["create_suggestion"]

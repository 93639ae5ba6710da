import itertools

from open311.models import DEFAULT_RATE, ClientApplication
from open311.services import register_client

_seq = itertools.count(1)


def make_client(*, name: str = "", rate_limit: str = DEFAULT_RATE, actor=None) -> tuple[ClientApplication, str]:
    """A registered client application and its plain api_key."""
    return register_client(
        name=name or f"便民应用{next(_seq)}", contact="开发方 张工 0592-0000000", rate_limit=rate_limit, actor=actor
    )

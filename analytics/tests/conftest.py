import pytest


@pytest.fixture(autouse=True)
def _fresh_lexicon():
    """Each test sees the lexicon of its own database."""
    from analytics import lexicon

    lexicon.forget()
    yield
    lexicon.forget()

import pytest


@pytest.fixture(autouse=True)
def _scoring_rules(request):
    """The default rules (a data migration), again: transactional tests elsewhere flush them."""
    if request.node.get_closest_marker("django_db"):
        from insight.services import seed_default_rules

        seed_default_rules()

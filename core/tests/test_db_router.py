"""Reads on a replica: the router's decisions (core/db_router.py)."""

import pytest
from django.db import transaction

from core.db_router import PrimaryReplicaRouter
from core.models import StatusChange
from intake.models import Appeal


@pytest.fixture
def router():
    return PrimaryReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_reads_outside_a_transaction_go_to_the_replica(router):
    assert router.db_for_read(Appeal) == "replica"
    assert router.db_for_read(StatusChange) == "replica"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(router):
    # A workflow action reads, locks and writes in one transaction: it must see the primary's rows.
    with transaction.atomic():
        assert router.db_for_read(Appeal) == "default"
    assert router.db_for_read(Appeal) == "replica"


def test_writes_and_migrations_go_to_the_primary(router):
    assert router.db_for_write(Appeal) == "default"
    assert router.allow_migrate("default", "intake", "appeal")
    assert not router.allow_migrate("replica", "intake", "appeal")
    assert router.allow_relation(Appeal(), StatusChange())

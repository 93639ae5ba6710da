"""Runs in a spawned process: imports nothing from Django before setting it up."""


def fire_in_process(db_name, memo_pk, actor_pk, action, note, barrier, results):
    """Child process: its own interpreter and its own database connection (row locks, not the GIL)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    from django.db import connection

    from accounts.models import User
    from core.exceptions import DomainError
    from core.tests.testapp.models import Memo
    from core.workflow import perform

    connection.settings_dict["NAME"] = db_name
    actor = User.objects.get(pk=actor_pk)
    memo = Memo.objects.get(pk=memo_pk)
    barrier.wait(timeout=60)
    try:
        perform(memo, action, actor=actor, note=note)
        results.put(("won", action))
    except DomainError as exc:
        results.put(("refused", exc.message))
    finally:
        connection.close()

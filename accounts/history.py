"""Edit history of accounts: who changed a user's name, department, roles, activity or staff status, and when."""

from django.db import models
from simple_history.models import HistoricalRecords

_records: dict[type, "AccountHistory"] = {}


def record_creation(user) -> None:
    """The creation row of a user saved with `skip_history_when_saving` and given its roles: one row that
    shows the new account with its roles, not one without roles and another adding them."""
    del user.skip_history_when_saving
    _records[type(user)].create_historical_record(user, "+")
    _records[type(user)]._remember(user)


def remember_saved(user) -> None:
    """Take a user written without save() (bulk_create) as saved: a later save() compares against it."""
    _records[type(user)]._remember(user)


class AccountHistory(HistoricalRecords):
    """simple-history for User that records edits only.

    A login saves last_login and a password change saves password; both are excluded from the copied
    fields, so such a save would only repeat the latest row: it is skipped. Role changes made from the
    group's side (group.user_set.add(user)) are recorded on each user, not on the group (which keeps no
    history)."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            models.signals.post_init.connect(self._remember, sender=sender, weak=False)
            _records[sender] = self

    def _remember(self, instance, **kwargs):
        """Keep the copied fields' values as loaded (deferred fields are not read), to tell an edit from a
        save that changes nothing recorded without asking the database."""
        loaded = instance.__dict__
        instance._history_remembered = {
            f.attname: loaded[f.attname] for f in self.fields_included(instance) if f.attname in loaded
        }

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        skip = not created and update_fields is not None and set(update_fields) <= set(self.excluded_fields)
        if not skip and not created and not kwargs.get("raw", False):
            skip = self._unchanged_in_memory(instance) or self._unchanged_since_latest(instance, using)
        if not skip:
            super().post_save(instance, created, using=using, **kwargs)
        self._remember(instance)

    def _unchanged_in_memory(self, instance) -> bool:
        """No copied field differs from its value when loaded or last saved (a password change): no query."""
        remembered = getattr(instance, "_history_remembered", None)
        if remembered is None:
            return False
        loaded = instance.__dict__
        return all(
            f.attname in remembered and remembered[f.attname] == loaded[f.attname]
            for f in self.fields_included(instance)
            if f.attname in loaded
        )

    def _unchanged_since_latest(self, instance, using) -> bool:
        """The copied fields hold what the latest row recorded (an instance refreshed or built by hand)."""
        latest = getattr(instance, self.manager_name).using(using).order_by("-history_date", "-history_id").first()
        if latest is None:
            return False
        return all(getattr(latest, f.attname) == getattr(instance, f.attname) for f in self.fields_included(instance))

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action in ("post_add", "post_remove") and not pk_set:
            return
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        if action in ("post_add", "post_remove"):
            for user in kwargs["model"]._default_manager.using(kwargs.get("using")).filter(pk__in=pk_set):
                super().m2m_changed(user, action, attr, pk_set, False, **kwargs)

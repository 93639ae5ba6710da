"""Edit history of accounts: who changed a user's name, department, roles, activity or staff status, and when."""

from simple_history.models import HistoricalRecords


class AccountHistory(HistoricalRecords):
    """simple-history for User that records edits only.

    A login saves last_login and a password change saves password; both are excluded from the copied
    fields, so such a save would only repeat the latest row: it is skipped. Role changes made from the
    group's side (group.user_set.add(user)) are recorded on each user, not on the group (which keeps no
    history)."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields is not None and set(update_fields) <= set(self.excluded_fields):
            return
        if not created and not kwargs.get("raw", False) and self._unchanged(instance, using):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _unchanged(self, instance, using) -> bool:
        """The copied fields hold what the latest row recorded (a full save after a password change)."""
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

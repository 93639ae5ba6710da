class PrimaryReplicaRouter:
    """Reads go to the replica, writes and anything inside a transaction to the primary."""

    def db_for_read(self, model, **hints):
        from django.db import connections

        if connections["default"].in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"

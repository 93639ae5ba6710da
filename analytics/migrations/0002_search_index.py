"""The full-text index: an FTS5 table with triggers on SQLite, a GIN tsvector index on PostgreSQL."""

from django.db import migrations

from analytics.search_backend import setup, teardown


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [migrations.RunPython(setup, teardown)]

"""Seed the four consultation formats of the seed district (editable afterwards in the admin)."""

from django.db import migrations

from topics.data.formats import ensure_formats


def seed(apps, schema_editor):
    ensure_formats(apps.get_model("topics", "ConsultationFormat"))


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

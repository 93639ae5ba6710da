"""English names of the seeded consultation formats (0002), where the office has not set its own."""

from django.db import migrations

from topics.data.formats import fill_english_names


def fill(apps, schema_editor):
    fill_english_names(apps.get_model("topics", "ConsultationFormat"))


class Migration(migrations.Migration):
    dependencies = [("topics", "0004_english_names")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

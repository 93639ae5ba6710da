from django.db import migrations


def seed(apps, schema_editor):
    from insight.migrations import _seed

    # Plenary rules arrive with 0003, once the item is allowed by the check constraint.
    _seed.seed(apps, schema_editor, exclude={"plenary"})


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_scoring_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

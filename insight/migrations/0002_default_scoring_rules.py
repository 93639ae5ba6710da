from decimal import Decimal

from django.db import migrations

from insight.data.scoring import DEFAULT_RULES, EFFECTIVE_YEAR


def seed(apps, schema_editor):
    rule_model = apps.get_model("insight", "ScoringRule")
    for item, variant, points, cap, note in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            item=item,
            variant=variant,
            effective_year=EFFECTIVE_YEAR,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_scoring_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

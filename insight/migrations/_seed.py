from decimal import Decimal

from insight.data.scoring import DEFAULT_RULES, EFFECTIVE_YEAR


def seed(apps, schema_editor, *, exclude=frozenset()):
    """Create the default scoring rules that do not exist yet (items in `exclude` are skipped)."""
    rule_model = apps.get_model("insight", "ScoringRule")
    for item, variant, points, cap, note in DEFAULT_RULES:
        if item in exclude:
            continue
        rule_model.objects.get_or_create(
            item=item,
            variant=variant,
            effective_year=EFFECTIVE_YEAR,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None, "note": note},
        )

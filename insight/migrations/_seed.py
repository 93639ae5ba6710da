from decimal import Decimal

from insight.data.scoring import DEFAULT_RULES, EFFECTIVE_YEAR


# The items the migrations before 0006 know (their check constraint refuses the later ones).
ITEMS_BEFORE_0006 = frozenset(
    {"plenary", "standing", "meeting", "speech", "proposal", "opinion", "research", "reception", "micro", "community"}
)


def seed(apps, schema_editor, *, exclude=frozenset(), only=None):
    """Create the default scoring rules that do not exist yet (items in `exclude` are skipped; with
    `only`, only those items are seeded)."""
    rule_model = apps.get_model("insight", "ScoringRule")
    for item, variant, points, cap, note in DEFAULT_RULES:
        if item in exclude or item not in (only if only is not None else ITEMS_BEFORE_0006):
            continue
        rule_model.objects.get_or_create(
            item=item,
            variant=variant,
            effective_year=EFFECTIVE_YEAR,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None, "note": note},
        )

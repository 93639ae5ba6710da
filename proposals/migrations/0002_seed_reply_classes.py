from django.db import migrations

# domain.md §2, reply classes (c): the district's default set; the office may edit them in the admin.
DEFAULT_CLASSES = [
    ("A", "已解决或采纳", "所提问题已经解决或建议已被采纳", False, 1),
    ("B", "列入计划解决", "所提问题已列入工作计划，逐步解决", True, 2),
    ("C", "因条件限制暂不能解决", "因目前条件限制暂时不能解决，已向提案者说明", False, 3),
]


def seed(apps, schema_editor):
    ReplyClass = apps.get_model("proposals", "ReplyClass")
    for code, name, description, follow_up, order in DEFAULT_CLASSES:
        ReplyClass.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "needs_follow_up": follow_up, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

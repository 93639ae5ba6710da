"""English names of the seeded reply classes (0002). A row keeps what the office has set: only a row
still named as seeded and without an English name is filled in."""

from django.db import migrations

# code: (the seeded Chinese name, its English name)
ENGLISH_NAMES = {
    "A": ("已解决或采纳", "Resolved or adopted"),
    "B": ("列入计划解决", "To be resolved under a plan"),
    "C": ("因条件限制暂不能解决", "Cannot be resolved for now due to constraints"),
}


def fill(apps, schema_editor):
    ReplyClass = apps.get_model("proposals", "ReplyClass")
    for code, (name, name_en) in ENGLISH_NAMES.items():
        ReplyClass.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_english_names")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

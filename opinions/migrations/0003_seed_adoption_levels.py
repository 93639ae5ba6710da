from django.db import migrations

# domain.md §3: adoption and instruction levels, lowest first; the office may edit them in the admin.
DEFAULT_LEVELS = [
    ("district_cppcc", "区政协编发", 1),
    ("district", "区委、区政府", 2),
    ("city", "市级（市委、市政府、市政协）", 3),
    ("province", "省级", 4),
    ("national", "全国政协及中央", 5),
]


def seed(apps, schema_editor):
    AdoptionLevel = apps.get_model("opinions", "AdoptionLevel")
    for code, name, order in DEFAULT_LEVELS:
        AdoptionLevel.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("opinions", "0002_workflow_bulletins_adoptions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

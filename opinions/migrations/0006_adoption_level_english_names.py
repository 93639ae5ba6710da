"""English names of the seeded adoption levels (0003). A row keeps what the office has set: only a row
still named as seeded and without an English name is filled in."""

from django.db import migrations

# code: (the seeded Chinese name, its English name)
ENGLISH_NAMES = {
    "district_cppcc": ("区政协编发", "Published by the district CPPCC"),
    "district": ("区委、区政府", "District Party committee and government"),
    "city": ("市级（市委、市政府、市政协）", "City (city Party committee, government, CPPCC)"),
    "province": ("省级", "Province"),
    "national": ("全国政协及中央", "National CPPCC and central authorities"),
}


def fill(apps, schema_editor):
    AdoptionLevel = apps.get_model("opinions", "AdoptionLevel")
    for code, (name, name_en) in ENGLISH_NAMES.items():
        AdoptionLevel.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("opinions", "0005_english_names")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

"""Seed the four consultation formats of the seed district (editable afterwards in the admin)."""

from django.db import migrations

FORMATS = [
    ("standing", "常委会会议重点协商", "常委会协商", "standing"),
    ("chairs", "主席会议专题协商", "主席会议协商", "chairs"),
    ("counterpart", "委处对口协商", "对口协商", "counterpart"),
    ("proposal_handling", "提案办理协商", "提案办理协商", "proposal_handling"),
]


def seed(apps, schema_editor):
    ConsultationFormat = apps.get_model("topics", "ConsultationFormat")
    for order, (code, name, short, kind) in enumerate(FORMATS):
        ConsultationFormat.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "meeting_kind": kind, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

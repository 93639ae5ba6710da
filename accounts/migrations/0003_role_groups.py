from django.db import migrations

ROLES = [
    "admin", "clerk", "research_office", "proposal_office", "info_office", "chair", "vice_chair",
    "secretary_general", "member", "standing_member", "party_office", "gov_office", "party_leader",
    "dept_liaison", "expert", "citizen",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

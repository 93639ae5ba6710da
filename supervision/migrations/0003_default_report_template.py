from django.db import migrations

INTRO = (
    "$meeting_date，区政协召开$meeting，围绕“$topic”开展协商。与会委员、专家和相关部门负责人面对面协商，"
    "形成意见建议$count条。现将协商成果及责任分工报送如下，建议转交有关部门研究办理，"
    "并请区委办、区政府办加强督办。"
)
CLOSING = "以上成果的办理情况，请各责任部门按期报送区政府办公室，并抄送区政协研究室。"


def seed(apps, schema_editor):
    ReportTemplate = apps.get_model("supervision", "ReportTemplate")
    if ReportTemplate.objects.exists():
        return
    ReportTemplate.objects.create(
        name="协商成果专报（默认）",
        prefix="",
        issuer="政协厦门市同安区委员会办公室",
        recipients="区委、区政府",
        intro=INTRO,
        closing=CLOSING,
        footer_note="抄送：区委办公室、区政府办公室",
        is_default=True,
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_workflow_reports_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Duty issues resolved with 制定计划限期解决 before the state 计划落实中 existed (0004) stayed 已办结 with a
plan date, and nobody was reminded of them. Those whose plan nobody recorded carried out move to 计划落实中,
so that they are followed up like any plan made since (reminded at their date, 计划已落实 or 调整计划完成日期).

Each move is audited as `core.workflow.perform` audits a transition: a core.StatusChange row (the
workflow's "plan" step, 制定计划限期解决, by the system, with a note that says why, marked in its data)
and a simple-history row. The reverse finds the issues by that mark and puts back to 已办结 those nobody
has acted on since (a plan recorded carried out or rescheduled after the move is real follow-up, kept).
"""

from django.db import migrations
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.i18n import recorded

MARK = "grassroots.0005_follow_up_plans_resolved_before"
RESOLVED, FOLLOW_UP, PLAN = "resolved", "follow_up", "plan"


def _issue_type(apps, *, create: bool):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if create:
        return ContentType.objects.get_or_create(app_label="grassroots", model="dutyissue")[0]
    return ContentType.objects.filter(app_label="grassroots", model="dutyissue").first()


def follow_up(apps, schema_editor):
    DutyIssue = apps.get_model("grassroots", "DutyIssue")
    HistoricalDutyIssue = apps.get_model("grassroots", "HistoricalDutyIssue")
    StatusChange = apps.get_model("core", "StatusChange")
    candidates = DutyIssue.objects.filter(status=RESOLVED, outcome=PLAN, plan_due_date__isnull=False)
    if not candidates.exists():
        return
    ct = _issue_type(apps, create=True)
    carried_out = StatusChange.objects.filter(content_type=ct, action="complete_plan").values("object_id")
    issues = list(candidates.exclude(pk__in=carried_out).order_by("pk"))
    if not issues:
        return
    now = timezone.now()
    note = recorded(
        gettext_lazy(
            "系统转入“计划落实中”：该问题此前以“制定计划限期解决”办结，当时尚无“计划落实中”状态，计划未登记落实。"
            "请在计划完成后登记“计划已落实”，或说明原因调整计划完成日期。"
        )
    )
    DutyIssue.objects.filter(pk__in=[i.pk for i in issues]).update(status=FOLLOW_UP, updated_at=now)
    StatusChange.objects.bulk_create(
        StatusChange(
            content_type=ct,
            object_id=issue.pk,
            action=PLAN,
            from_state=RESOLVED,
            to_state=FOLLOW_UP,
            actor=None,
            note=note,
            data={"migration": MARK, "plan_due_date": issue.plan_due_date.isoformat()},
            created_at=now,
        )
        for issue in issues
    )
    columns = [f.attname for f in HistoricalDutyIssue._meta.fields if not f.name.startswith("history_")]
    rows = []
    for issue in issues:
        issue.status, issue.updated_at = FOLLOW_UP, now
        values = {name: getattr(issue, name) for name in columns}
        rows.append(
            HistoricalDutyIssue(
                **values,
                history_date=now,
                history_type="~",
                history_change_reason=f"{PLAN}: {note}"[:100],  # as perform words it
                history_user=None,
            )
        )
    HistoricalDutyIssue.objects.bulk_create(rows)


def back_to_resolved(apps, schema_editor):
    DutyIssue = apps.get_model("grassroots", "DutyIssue")
    HistoricalDutyIssue = apps.get_model("grassroots", "HistoricalDutyIssue")
    StatusChange = apps.get_model("core", "StatusChange")
    ct = _issue_type(apps, create=False)
    if ct is None:
        return
    for step in StatusChange.objects.filter(content_type=ct, action=PLAN, data__migration=MARK):
        acted_since = StatusChange.objects.filter(content_type=ct, object_id=step.object_id, pk__gt=step.pk)
        if acted_since.exists() or not DutyIssue.objects.filter(pk=step.object_id, status=FOLLOW_UP).exists():
            continue
        DutyIssue.objects.filter(pk=step.object_id).update(status=RESOLVED)
        HistoricalDutyIssue.objects.filter(
            id=step.object_id, history_date=step.created_at, history_type="~", history_user=None
        ).delete()
        step.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("grassroots", "0004_issue_follow_up"),
    ]

    operations = [migrations.RunPython(follow_up, back_to_resolved)]

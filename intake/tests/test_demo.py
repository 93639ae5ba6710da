"""The demo's parent's letter referred to 区教育局 (README: it waits for liaison_edu to sign for it) is
recent: referred and transferred this week, its deadline counted from the transfer."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from intake import demo
from intake.models import Appeal
from intake.tests.factories import AppealCategoryFactory

pytestmark = pytest.mark.django_db


def test_the_referral_waiting_for_the_department_is_this_weeks_and_due_a_month_after_its_transfer(
    cast, django_capture_on_commit_callbacks
):
    from district.tests.factories import TownFactory
    from notifications.models import Notification
    from supervision.models import SupervisionTask
    from supervision.services.tasks import reassign_request_offered

    education = AppealCategoryFactory(code="education", department=cast.liaison.department)
    users = {"citizen": cast.citizen, "member": cast.member, "clerk": cast.clerk, "govoffice": cast.gov_office}
    with django_capture_on_commit_callbacks(execute=True):
        demo._recent(users, [education], [TownFactory()])

    today = timezone.localdate()
    appeal = Appeal.objects.get(title="学校门口上下学接送拥堵（来信，演示）")
    task = SupervisionTask.objects.get(source_type=ContentType.objects.get_for_model(Appeal), source_id=appeal.pk)
    received = timezone.localdate(appeal.created_at)
    assert received == today - timedelta(days=demo.REFERRED_DAYS_AGO)
    assert received <= timezone.localdate(task.created_at) <= timezone.localdate(task.assigned_at) < today
    assert task.status == "assigned" and task.due_date == timezone.localdate(task.assigned_at) + timedelta(days=30)
    # Within the window for asking to hand it over (申请改派): offered to the department, not refused.
    assert reassign_request_offered(cast.liaison, task)
    # The department's notice of the transfer is dated with it: among the latest, not years old.
    notice = Notification.objects.filter(recipient=cast.liaison).latest("created_at")
    assert timezone.localdate(notice.created_at) == timezone.localdate(task.assigned_at)


def test_the_december_2023_appeals_and_their_notices_keep_their_days(cast, django_capture_on_commit_callbacks):
    """Not today's news: the clerks' notice of a new appeal and the citizen's of a step carry the
    appeal's day in December 2023, as its edit history and steps do."""
    from district.tests.factories import TownFactory
    from notifications.models import Notification

    categories = [AppealCategoryFactory(code="urban"), AppealCategoryFactory(code="transport")]
    users = {"citizen": cast.citizen, "member": cast.member, "clerk": cast.clerk}
    with django_capture_on_commit_callbacks(execute=True):
        demo._recent(users, categories, [TownFactory()])

    days = {"楼下夜市噪音扰民（演示）": 18, "小区门口井盖松动（演示）": 20, "村道雨后积水严重（电话反映，演示）": 22}
    appeal_ct = ContentType.objects.get_for_model(Appeal)
    told = 0
    for title, day in days.items():
        appeal = Appeal.objects.get(title=title)
        assert timezone.localdate(appeal.created_at).isoformat() == f"2023-12-{day}"
        assert {timezone.localdate(h.history_date).day for h in appeal.history.all()} == {day}
        notices = Notification.objects.filter(content_type=appeal_ct, object_id=appeal.pk)
        assert {timezone.localdate(n.created_at).isoformat() for n in notices} <= {f"2023-12-{day}"}, title
        told += notices.count()
    # The one still waiting for routing told the clerks of it.
    assert told and Notification.objects.filter(recipient=cast.clerk, title__contains="小区门口井盖松动").exists()

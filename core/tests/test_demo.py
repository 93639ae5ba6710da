import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from district.models import Committee, Member


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_labelled(client):
    call_command("load_demo")
    counts = (User.objects.count(), Member.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Member.objects.count()) == counts
    assert Committee.objects.get().is_demo
    assert "演示数据" in client.get("/").content.decode()


@pytest.mark.django_db
def test_demo_has_an_account_for_every_role_and_the_seed_duty_group():
    call_command("load_demo")
    held = set(User.objects.values_list("groups__name", flat=True))
    assert {r.value for r in Role} <= held
    assert (
        Member.objects.filter(name__in=["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"], sector__name="经贸").count() == 5
    )
    assert Member.objects.count() >= 250


@pytest.mark.django_db
def test_every_demo_appeal_has_an_audit_trail_from_the_day_it_came_in(client):
    from intake.models import Appeal

    call_command("load_demo")
    appeals = Appeal.objects.all()
    assert appeals.count() >= 300
    created = {h.id: h.history_date for h in Appeal.history.filter(history_type="+")}
    late = [a.pk for a in appeals if a.pk not in created or abs((created[a.pk] - a.created_at).total_seconds()) > 1]
    assert late == []
    waiting = appeals.filter(status="received").first()
    client.force_login(User.objects.get(username="clerk"))
    page = client.get(f"/appeals/office/{waiting.pk}/").content.decode()
    assert "暂无记录" not in page.split('data-testid="history"')[1]

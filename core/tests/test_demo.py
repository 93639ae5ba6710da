import pytest
from django.core.management import call_command

from accounts.models import User
from district.models import Committee, Member


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_labelled(client):
    call_command("load_demo")
    counts = (User.objects.count(), Member.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Member.objects.count()) == counts
    assert Committee.objects.get().is_demo
    assert "演示数据" in client.get("/").content.decode()


def _shuangjian_meetings():
    from consultations.models import Meeting

    return list(Meeting.objects.filter(title__contains="双减").values_list("title", flat=True))


@pytest.mark.django_db
def test_the_shuangjian_consultation_is_built_once_when_supervision_loads_before_consultations(monkeypatch):
    from types import SimpleNamespace

    from django.apps import apps

    from core import demo_runner

    wanted = ["district", "topics", "supervision", "consultations"]
    configs = [apps.get_app_config(label) for label in wanted]
    monkeypatch.setattr(demo_runner, "apps", SimpleNamespace(get_app_configs=lambda: configs))
    assert demo_runner.run_all() == wanted
    assert len(_shuangjian_meetings()) == 1

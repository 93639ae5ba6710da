"""Audit logs are kept at least six months: prune_audit refuses anything younger."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import PersonalDataAccess, StatusChange
from intake.models import Appeal
from intake.tests.factories import AppealFactory


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 30, 179])
def test_refuses_to_prune_logs_younger_than_six_months(days):
    with pytest.raises(CommandError, match="at least six months"):
        call_command("prune_audit", older_than_days=days)


@pytest.mark.django_db
def test_prunes_only_rows_older_than_the_cutoff_and_keeps_decisions(cast):
    appeal = AppealFactory()
    ct = ContentType.objects.get_for_model(Appeal)
    old, recent = timezone.now() - timedelta(days=400), timezone.now() - timedelta(days=10)
    access_old = PersonalDataAccess.objects.create(user=cast.clerk, content_type=ct, object_id=appeal.pk, fields="x")
    PersonalDataAccess.objects.filter(pk=access_old.pk).update(created_at=old)
    access_new = PersonalDataAccess.objects.create(user=cast.clerk, content_type=ct, object_id=appeal.pk, fields="y")
    PersonalDataAccess.objects.filter(pk=access_new.pk).update(created_at=recent)
    appeal.title = "改过的标题"
    appeal.save()
    appeal.history.filter(history_type="+").update(history_date=old)
    change = StatusChange.objects.create(
        content_type=ct, object_id=appeal.pk, action="route", from_state="received", to_state="routed", created_at=old
    )

    call_command("prune_audit", older_than_days=365, dry_run=True)
    assert PersonalDataAccess.objects.count() == 2

    call_command("prune_audit", older_than_days=365)
    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [access_new.pk]
    assert list(appeal.history.values_list("history_type", flat=True)) == ["~"]
    assert StatusChange.objects.filter(pk=change.pk).exists()


@pytest.mark.django_db
def test_audit_rows_cannot_be_deleted_in_the_admin(client, cast):
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib import admin

    request = type("R", (), {"user": cast.admin})()
    for model in (PersonalDataAccess, StatusChange):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_change_permission(request)
    # The sign-in log is kept too; a lock-out is deleted to unlock the account.
    for model in (AccessLog, AccessFailureLog):
        assert not admin.site._registry[model].has_delete_permission(request), model


@pytest.mark.django_db
def test_the_roles_recorded_with_a_pruned_history_row_go_with_it(cast):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    user = cast.liaison
    user.groups.add(Group.objects.get(name=Role.CLERK))
    user.groups.remove(Group.objects.get(name=Role.CLERK))
    rows = list(user.history.order_by("history_date", "history_id"))
    old, kept = rows[:-1], rows[-1]
    User.history.filter(pk__in=[r.pk for r in old]).update(history_date=timezone.now() - timedelta(days=400))
    roles = apps.get_model("accounts", "HistoricalUser_groups")  # one row per role per history row
    assert roles.objects.filter(history__in=old).exists()

    call_command("prune_audit", older_than_days=365)
    assert list(user.history.all()) == [kept]
    assert not roles.objects.exclude(history__in=User.history.all()).exists()
    assert [r.group.name for r in kept.groups.all()] == [Role.DEPT_LIAISON]

import datetime as dt

import factory
from django.utils import timezone

from consultations.models import Meeting, MeetingKind, OutcomeItem
from district.tests.factories import DepartmentFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    kind = MeetingKind.THEMATIC
    title = "落实教育“双减”政策专题协商会"
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    created_by = factory.SubFactory("accounts.tests.factories.UserFactory")

    class Meta:
        model = Meeting


class OutcomeItemFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    recommendation = factory.Sequence(lambda n: f"建议{n}：规范校外培训机构管理")
    responsible_department = factory.SubFactory(DepartmentFactory)
    agreed_action = "开展专项治理，每季度通报"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    recorded_by = factory.SubFactory("accounts.tests.factories.UserFactory")

    class Meta:
        model = OutcomeItem


def task_reply_classes() -> None:
    """The district's default reply classes, seeded by a data migration (transactional tests, such as the
    browser's, flush the tables and with them what the migration created)."""
    from importlib import import_module

    from django.apps import apps

    import_module("supervision.migrations.0008_task_reply_classes").seed(apps, None)

"""Factories for the records analytics reads (other apps' contract models) and writes."""

import factory
from django.utils import timezone

from district.tests.factories import DepartmentFactory


class AppealCategoryFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    department = factory.SubFactory(DepartmentFactory)

    class Meta:
        model = "intake.AppealCategory"
        django_get_or_create = ("code",)


class AppealFactory(factory.django.DjangoModelFactory):
    tracking_code = factory.Sequence(lambda n: f"T{n:07d}")
    title = "小区电梯故障"
    body = "小区电梯经常故障停运。"

    class Meta:
        model = "intake.Appeal"


class OpinionReportFactory(factory.django.DjangoModelFactory):
    title = "关于老旧小区加装电梯的建议"
    body = "多个老旧小区加装电梯进展缓慢。"

    class Meta:
        model = "opinions.OpinionReport"


class MeetingFactory(factory.django.DjangoModelFactory):
    kind = "thematic"
    title = "专题协商会"
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = "consultations.Meeting"

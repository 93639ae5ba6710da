import datetime

import factory

from accounts.tests.factories import UserFactory
from district.tests.factories import SectorFactory
from grassroots.models import DutyGroup, DutyIssue, ReceptionDay, ServiceType, Workstation


class WorkstationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"委员工作室{n}")
    address = "新民镇某路1号"
    services = [s.value for s in ServiceType]
    reception_capacity = 2

    class Meta:
        model = Workstation


class ReceptionDayFactory(factory.django.DjangoModelFactory):
    workstation = factory.SubFactory(WorkstationFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(11, 30)
    capacity = 2

    class Meta:
        model = ReceptionDay


class DutyGroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"履职小组{n}")
    sector = factory.SubFactory(SectorFactory)

    class Meta:
        model = DutyGroup


class DutyIssueFactory(factory.django.DjangoModelFactory):
    group = factory.SubFactory(DutyGroupFactory)
    title = factory.Sequence(lambda n: f"民生问题{n}")
    description = "居民反映的情况。"
    collected_on = factory.LazyFunction(datetime.date.today)
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = DutyIssue

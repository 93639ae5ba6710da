import datetime

import factory

from accounts.tests.factories import UserFactory
from district.tests.factories import SectorFactory
from grassroots.models import Appointment, DutyGroup, DutyIssue, ReceptionDay, Workstation, WorkstationService


class WorkstationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"委员工作室{n}")
    address = "新民镇某路1号"
    services = ["policy", "science", "family_visit", "mediation", "social"]  # the district list's defaults
    reception_capacity = 2

    class Meta:
        model = Workstation


def workstation_services() -> None:
    """The district's default services, seeded by a data migration (transactional tests, such as the
    browser's, flush the tables and with them what the migration created)."""
    from importlib import import_module

    from django.apps import apps

    import_module("grassroots.migrations.0007_workstation_services").seed(apps, None)


def service(code: str = "policy") -> WorkstationService:
    """A service of the district's list (one of its five defaults, put back if a flush removed them)."""
    found = WorkstationService.objects.filter(code=code).first()
    if found is None:
        workstation_services()
        found = WorkstationService.objects.get(code=code)
    return found


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


class AppointmentFactory(factory.django.DjangoModelFactory):
    reception_day = factory.SubFactory(ReceptionDayFactory)
    name = "张三"
    phone = "13800000000"
    topic = "咨询医保"
    service = factory.LazyFunction(service)
    reference = factory.Sequence(lambda n: f"YYF{n:05d}")

    class Meta:
        model = Appointment

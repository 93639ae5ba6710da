"""The kinds of service a members' workstation offers (工作室服务类型) are the district's own list, seeded with
the five of the seed workstation (domain.md §0): residents book by it, receptions and visits are counted by it."""

import datetime

import pytest
from django.utils import timezone, translation

from core.exceptions import Refused
from grassroots import selectors, services
from grassroots.models import Appointment, Contact, WorkstationService
from grassroots.tests.factories import AppointmentFactory, ReceptionDayFactory, WorkstationFactory

pytestmark = pytest.mark.django_db


def test_the_five_default_services_are_there_with_their_english_names():
    rows = [(s.code, s.name, s.name_en) for s in WorkstationService.objects.all()]
    assert rows == [
        ("policy", "政策咨询", "Policy advice"),
        ("science", "科普教育", "Science education"),
        ("family_visit", "走访慰问", "Visits to families"),
        ("mediation", "矛盾调解", "Dispute mediation"),
        ("social", "社会服务", "Social service"),
    ]
    with translation.override("en"):
        assert str(WorkstationService.objects.get(code="mediation")) == "Dispute mediation"


def test_a_service_the_district_adds_is_offered_booked_and_counted(client, cast):
    WorkstationService.objects.create(code="legal_aid", name="法律援助", order=6)
    ws = WorkstationFactory(services=["policy", "legal_aid"])
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=3))

    page = client.get(ws.get_absolute_url()).content.decode()
    assert '<option value="legal_aid">法律援助</option>' in page
    assert "政策咨询、法律援助" in page  # what the workstation offers
    booking = {"day": day.pk, "name": "张三", "phone": "13800000000", "service": "legal_aid", "topic": "欠薪"}
    assert client.post(ws.get_absolute_url(), booking).status_code == 302
    assert Appointment.objects.get().service.code == "legal_aid"

    services.log_contact(
        workstation=ws, kind=Contact.Kind.VISIT_OUT, on=timezone.localdate(), service="Legal_Aid",
        summary="上门讲解劳动合同", actor=cast.member,
    )  # fmt: skip
    report = selectors.workstation_report(ws, start=timezone.localdate(), end=timezone.localdate())
    assert dict(report["by_service"])["法律援助"] == 1


def test_a_retired_service_is_not_offered_but_its_records_still_count(client, cast):
    ws = WorkstationFactory(services=["policy", "mediation"])
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate())
    coming = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=7))
    booked = AppointmentFactory(reception_day=day, service=WorkstationService.objects.get(code="mediation"))
    WorkstationService.objects.filter(code="mediation").update(is_active=False)

    page = client.get(ws.get_absolute_url()).content.decode()
    assert 'value="mediation"' not in page and "矛盾调解" not in page
    booking = {"day": coming.pk, "name": "李四", "phone": "13900000000", "service": "mediation", "topic": "纠纷"}
    response = client.post(ws.get_absolute_url(), booking)
    assert response.status_code == 400 and "纠纷" in response.content.decode()  # what was typed is kept
    with pytest.raises(Refused, match="服务类型无效"):
        services.book_appointment(day=coming, name="李四", phone="13900000000", topic="纠纷", service="mediation")

    # A booking made before it was retired is still received for what it was booked for, and counted.
    client.force_login(cast.member)
    client.post(f"/grassroots/office/days/{day.pk}/attended/{booked.pk}/", {"summary": "已调解"})
    assert Contact.objects.get(appointment=booked).service.code == "mediation"
    report = selectors.workstation_report(ws, start=day.date, end=day.date)
    assert dict(report["by_service"])["矛盾调解"] == 1
    idle = selectors.workstation_report(ws, start=day.date.replace(year=2000), end=day.date.replace(year=2000))
    assert "矛盾调解" not in dict(idle["by_service"]) and "政策咨询" in dict(idle["by_service"])


def test_an_unknown_service_is_refused_with_a_message(cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    with pytest.raises(Refused, match="服务类型无效") as refused:
        services.log_contact(
            workstation=ws, kind=Contact.Kind.VISIT_OUT, on=timezone.localdate(), service="nonesuch",
            summary="走访", actor=cast.member,
        )  # fmt: skip
    assert "service" in refused.value.fields


def test_the_api_gives_a_contact_its_service_code_and_a_workstation_its_service_names(api_client, cast):
    ws = WorkstationFactory(name="甲工作室", services=["science", "social"])
    ws.members.add(cast.member.member)
    services.log_contact(
        workstation=ws, kind=Contact.Kind.VISIT_OUT, on=timezone.localdate(), service="social",
        summary="走访", actor=cast.member,
    )  # fmt: skip
    api_client.force_authenticate(cast.clerk)
    [contact] = api_client.get("/api/v1/workstation-contacts/").json()["results"]
    assert contact["service"] == "social"
    [listed] = [w for w in api_client.get("/api/v1/workstations/").json()["results"] if w["name"] == "甲工作室"]
    assert (listed["services"], listed["service_labels"]) == (["science", "social"], ["科普教育", "社会服务"])

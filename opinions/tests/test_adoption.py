"""Adoption (采用) follows the path a report took (domain.md §3), not its last state: feedback and filing end
both the adoption path and the forwarding branch (转送), which is not adoption."""

import pytest
from django.urls import reverse

from core.workflow import perform
from grassroots.tests.factories import WorkstationFactory
from opinions import selectors
from opinions.models import OpinionReport, Status, adopted
from opinions.tests.factories import published, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def station_reports(cast):
    """A workstation's reports by cast.member: forwarded and filed, reported up and filed, instructed, refused."""
    from importlib import import_module

    from opinions.models import AdoptionLevel

    # The seeded levels (a transactional test elsewhere may have flushed the data migration's rows).
    for code, name, order in import_module("opinions.migrations.0003_seed_adoption_levels").DEFAULT_LEVELS:
        AdoptionLevel.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    station = WorkstationFactory(name="民建政协委员工作室（演示）")
    forwarded = received(cast, title="转送", provider=station)
    perform(forwarded, "forward", actor=cast.info, data={"department": cast.liaison.department_id})
    perform(forwarded, "record_feedback", actor=cast.liaison, note="已研究办理")
    perform(forwarded, "archive", actor=cast.info)
    filed = published(cast, title="上报归档", provider=station)
    perform(filed, "report_up", actor=cast.info, data={"to": "区委"})
    perform(filed, "archive", actor=cast.info)
    instructed = published(cast, title="批示", provider=station)
    perform(
        instructed,
        "record_instruction",
        actor=cast.info,
        data={"leader": "区长", "level": "district", "text": "请研究", "department": cast.liaison.department_id},
    )
    refused = received(cast, title="不予采用", provider=station)
    perform(refused, "not_adopt", actor=cast.info, note="不符合要求")
    return station


def test_a_report_is_adopted_once_published_whatever_its_last_state(cast, station_reports):
    states = dict(OpinionReport.objects.values_list("title", "status"))
    assert states == {
        "转送": Status.ARCHIVED,
        "上报归档": Status.ARCHIVED,
        "批示": Status.INSTRUCTED,
        "不予采用": Status.NOT_ADOPTED,
    }
    assert set(OpinionReport.objects.filter(adopted()).values_list("title", flat=True)) == {"上报归档", "批示"}
    assert {r.title: r.is_adopted for r in OpinionReport.objects.all()} == {
        "转送": False,
        "上报归档": True,
        "批示": True,
        "不予采用": False,
    }


def test_the_information_offices_statistics_count_a_forwarded_report_as_submitted_not_adopted(
    client, cast, station_reports
):
    assert [(r["submitted"], r["adopted"], r["instructed"]) for r in selectors.counts_per_provider()] == [(4, 2, 1)]
    assert [(r["submitted"], r["adopted"]) for r in selectors.counts_per_member()] == [(4, 2)]
    client.force_login(cast.info)
    page = client.get(reverse("opinions:stats"))
    assert [(r["name"], r["submitted"], r["adopted"]) for r in page.context["providers"]] == [
        ("民建政协委员工作室（演示）", 4, 2)
    ]

"""A small supervision world: a consultation, its outcome items, an issued special report, tasks."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from core.workflow import perform
from supervision.models import ReportTemplate, SpecialReport, SupervisionTask
from supervision.services.reports import compile_special_report
from supervision.services.tasks import Assignment, transfer_outcome_items
from supervision.tests.factories import MeetingFactory, OutcomeItemFactory


@dataclass
class World:
    cast: object
    meeting: object
    items: list
    report: SpecialReport

    @property
    def edu(self):
        return self.cast.liaison.department

    @property
    def hr(self):
        return self.cast.other_liaison.department

    def issue(self) -> SpecialReport:
        perform(self.report, "submit", actor=self.cast.research)
        perform(self.report, "sign", actor=self.cast.secgen)
        perform(self.report, "issue", actor=self.cast.research)
        self.report.refresh_from_db()
        return self.report

    def transfer(self, *, due: dt.date | None = None) -> list[SupervisionTask]:
        due = due or timezone.localdate() + dt.timedelta(days=30)
        return transfer_outcome_items(
            report=self.report,
            assignments=[
                Assignment(item=i, lead_department=self.edu, due_date=due, co_departments=[self.hr]) for i in self.items
            ],
            actor=self.cast.gov_office,
        )


@pytest.fixture
def world(cast):
    if not ReportTemplate.objects.exists():  # flushed by transactional (browser) tests
        ReportTemplate.objects.create(
            name="默认",
            issuer="政协厦门市同安区委员会办公室",
            recipients="区委、区政府",
            intro="$meeting_date，区政协召开$meeting，形成意见建议$count条。",
            is_default=True,
        )
    meeting = MeetingFactory(created_by=cast.clerk)
    edu = cast.liaison.department
    items = [
        OutcomeItemFactory(
            meeting=meeting,
            order=1,
            responsible_department=edu,
            recorded_by=cast.clerk,
            recommendation="严控学科类校外培训机构，规范收费与资金监管",
        ),
        OutcomeItemFactory(
            meeting=meeting,
            order=2,
            responsible_department=edu,
            recorded_by=cast.clerk,
            recommendation="丰富课后服务内容，引入体育、艺术、科普资源",
        ),
    ]
    report = compile_special_report(meeting=meeting, items=items, actor=cast.research, lead=cast.member, year=2022)
    return World(cast=cast, meeting=meeting, items=items, report=report)


@pytest.fixture
def task(world):
    """One task, transferred to 教育局 (lead) with 人社局 cooperating; rated by cast.member."""
    world.issue()
    return world.transfer()[0]


def advance(task, cast, state: str):
    """Drive a transferred task to a given state through the real services."""
    from supervision.services.tasks import report_progress, submit_reply

    steps = {
        "acked": [lambda: perform(task, "accept", actor=cast.liaison)],
        "in_progress": [
            lambda: perform(task, "accept", actor=cast.liaison),
            lambda: report_progress(task=task, actor=cast.liaison, percent=40, text="已完成摸底排查"),
        ],
        "feedback": [
            lambda: perform(task, "accept", actor=cast.liaison),
            lambda: submit_reply(task=task, actor=cast.liaison, classification="solved", body="已完成专项治理"),
        ],
    }
    for step in steps[state]:
        step()
    task.refresh_from_db()
    return task

"""The demo's 社情民意 follow the seed year: 2022 has its reports, bulletins and adoptions, and nothing of
2022 still waits in anyone's inbox."""

import pytest

from district.models import Member
from grassroots.models import Workstation
from insight.report import build_annual_report
from insight.selectors import duty
from opinions import selectors
from opinions.models import Adoption, Bulletin, OpinionReport, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

WAITING = (Status.DRAFT, Status.SUBMITTED, Status.RECEIVED, Status.SIGNED, Status.FORWARDED, Status.INSTRUCTED)


def _text(spec) -> str:
    parts = []
    for block in spec.blocks:
        parts.append(str(getattr(block, "text", block)))
        parts.extend(str(cell) for row in getattr(block, "rows", []) for cell in row)
    return "\n".join(parts)


def test_the_2022_duty_record_and_annual_statistics_count_the_seed_years_reports():
    in_2022 = OpinionReport.objects.filter(submitted_at__year=2022)
    # 11 reports by members and the workstation's 38 information items, all settled.
    assert in_2022.count() == 49
    assert not in_2022.filter(status__in=WAITING).exists()
    assert not OpinionReport.objects.filter(created_at__year=2022, status__in=WAITING).exists()
    assert Bulletin.objects.filter(year=2022).count() >= 2
    assert not Bulletin.objects.filter(year=2022).exclude(published_on__year=2022).exists()
    assert Adoption.objects.filter(report__submitted_at__year=2022, adopted_on__year=2022).count() >= 10
    assert all("演示" in r.title for r in in_2022.exclude(source_type__isnull=False))

    # The members' 11 reports count for the members who wrote them (opinions.selectors.credited_member);
    # the workstation's 38 items, written up by its staff in its name, count for no member.
    members = selectors.counts_per_member(2022)
    assert sum(r["submitted"] for r in members) == 11
    hong = Member.objects.get(name="洪志强")
    record = duty.duty_record(hong, 2022)
    assert record.opinions == 3
    assert next(r for r in members if r["member"] == hong.pk)["submitted"] == record.opinions
    # Forwarded to the units that act on them, answered and filed: submitted, not adopted (domain.md §3).
    ws = Workstation.objects.get(name="同安民建政协委员工作室")
    by_provider = {r["name"]: r for r in selectors.counts_per_provider(2022)}
    assert (by_provider[str(ws)]["submitted"], by_provider[str(ws)]["adopted"]) == (38, 0)

    assert "报送社情民意信息49篇，采用10篇" in _text(build_annual_report(2022))


def test_no_demo_report_is_fed_back_or_filed_before_its_instructions_task_is_answered():
    from supervision.choices import TaskStatus

    done = OpinionReport.objects.filter(status__in=(Status.FEEDBACK, Status.ARCHIVED), instructions__isnull=False)
    assert done.exists()
    for report in done:
        for task in selectors.instruction_tasks(report):
            assert task.status in (TaskStatus.FEEDBACK, TaskStatus.CLOSED), (report.pk, task.status)


def test_each_instruction_and_forwarded_report_goes_to_the_department_of_its_matter():
    """A leader's instruction opens its task with the department that acts on the report's matter (passing
    bays on village roads → 区交通运输局, street vendors → 区城市管理局), not one department for all; a
    forwarded report goes there too."""
    from opinions.demo import MATTER_DEPARTMENTS, MATTERS

    def matter_department(report):
        matter = next(m for m in MATTERS if m in report.title)
        return MATTER_DEPARTMENTS[matter]

    instructed = OpinionReport.objects.filter(instructions__isnull=False).distinct()
    assert instructed.count() >= 2
    for report in instructed:
        for task in selectors.instruction_tasks(report):
            assert task.lead_department.short_name == matter_department(report), (report.title, task.lead_department)
    leads = {t.title: t.lead_department.name for r in instructed for t in selectors.instruction_tasks(r)}
    assert leads["落实领导批示：关于新民镇部分村道缺少错车道的问题（演示）"] == "区交通运输局"
    assert leads["落实领导批示：关于农贸市场周边占道经营反弹的问题（演示）"] == "区城市管理局"
    forwarded = OpinionReport.objects.filter(forwarded_to__isnull=False, member__isnull=False)
    assert forwarded.exists()
    assert all(r.forwarded_to.short_name == matter_department(r) for r in forwarded)


def test_each_demo_report_is_given_in_the_name_of_a_group_its_member_belongs_to():
    """A member files in the name of his own sector, party or special committee (the form offers him only
    these: `selectors.provider_options`), or in his own name: the statistics per submitting unit credit no
    group with reports by members who are not in it."""
    named = OpinionReport.objects.filter(member__isnull=False, provider_type__isnull=False).select_related(
        "member__user"
    )
    assert named.count() >= 5
    for report in named:
        offered = {group for _key, group, _label in selectors.provider_options(report.member.user)}
        assert report.provider in offered, (report.pk, report.member.name, str(report.provider))

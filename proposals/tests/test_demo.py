"""The demo: the seed duty group's 7 proposals among ~150 others in every state, and reports in every state."""

import io
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from consultations.models import Meeting
from core.workflow import history_for, perform
from opinions.models import OpinionReport
from opinions.models import Status as ReportStatus
from proposals.models import Proposal, Status
from proposals.selectors import proposer_members
from supervision.models import SupervisionTask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_demo_follows_the_seed_and_covers_every_state():
    group = Proposal.objects.filter(member__name__in=["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"])
    assert group.count() == 7
    # The duty group formed them in 2022 (grassroots.demo): they went in and were handled to the end that year.
    assert {timezone.localdate(p.submitted_at).year for p in group} == {2022}
    assert set(group.values_list("status", flat=True)) <= {Status.CLOSED, Status.FOLLOW_UP}
    gas = group.get(title__contains="燃气公司搬迁")
    assert gas.is_key and gas.key_year == 2022 and gas.key_supervisor.username == "chair"
    # Its supervision and handling consultation lie in 2022 too, finished.
    task = SupervisionTask.objects.get(source_id=gas.pk, title__contains="燃气公司")
    assert task.status == "closed" and timezone.localdate(task.closed_at).year == 2022
    handling = Meeting.objects.get(kind="proposal_handling", subject_type__model="proposal", subject_id=gas.pk)
    assert handling.status == "minuted" and timezone.localdate(handling.starts_at).year == 2022
    # This session's key proposal is still being handled: its task waits to be transferred, its handling
    # consultation lies ahead.
    current = Proposal.objects.filter(is_key=True).exclude(pk=gas.pk).get()
    assert current.status == Status.IN_PROGRESS and current.key_year == current.session.year
    assert SupervisionTask.objects.get(source_type__model="proposal", source_id=current.pk).status == "created"
    upcoming = Meeting.objects.get(kind="proposal_handling", subject_type__model="proposal", subject_id=current.pk)
    assert upcoming.starts_at > timezone.now()
    # It is convened through the service: every proposer (those without an account too) and the head of each
    # unit handling the proposal are invited, on a round hour ten days ahead, so the office can send its notice.
    invited = list(upcoming.participants.all())
    assert {p.member_id for p in invited if p.role == "member"} == set(
        proposer_members(current).values_list("pk", flat=True)
    )
    units = set(current.assignments.filter(is_active=True).values_list("department_id", flat=True))
    assert units and {p.department_id for p in invited if p.role == "dept_head"} == units
    assert [p.user.username for p in invited if p.role == "presiding"] == ["chair"]
    starts = timezone.localtime(upcoming.starts_at)
    assert (starts.date(), starts.time()) == (timezone.localdate() + timedelta(days=10), time(15))
    perform(upcoming, "send_invitations", actor=User.objects.get(username="proposal"))
    assert Meeting.objects.get(pk=upcoming.pk).status == "invited"
    steps = [e["action"] for e in history_for(gas, gas.author) if e["kind"] == "transition"]
    assert steps[:3] == ["submit", "pre_review", "file"]
    assert Proposal.objects.count() >= 150
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(OpinionReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    numbers = list(Proposal.objects.filter(serial__isnull=False).values_list("session_id", "serial"))
    assert len(numbers) == len(set(numbers))
    # A department's to-do list must not show one title several times in different states.
    titles = list(Proposal.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    # A demo reply downloads as a letter with the unit's contact.
    from docx import Document

    from proposals.models import ProposalReply
    from proposals.services.letters import letter_docx

    reply = ProposalReply.objects.select_related("proposal", "department").filter(proposal=gas).first() or (
        ProposalReply.objects.select_related("proposal", "department").first()
    )
    text = "\n".join(par.text for par in Document(io.BytesIO(letter_docx(reply))).paragraphs)
    assert reply.department.name in text and reply.contact_phone and reply.contact_phone in text
    count = Proposal.objects.count()
    call_command("load_demo")
    assert Proposal.objects.count() == count

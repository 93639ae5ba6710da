"""Factories and helpers that drive proposals through the real services to a given stage."""

import factory

from core.workflow import perform
from district.tests.factories import TermFactory
from proposals import services
from proposals.models import Kind, Proposal, ReplyClass


class ProposalFactory(factory.django.DjangoModelFactory):
    kind = Kind.INDIVIDUAL
    title = factory.Sequence(lambda n: f"关于推进第{n}项民生实事的建议")
    case = "燃气公司位于居民区，存在安全隐患。"
    analysis = "现址周边人口密集，管线老化。"
    suggestions = "一、尽快选址搬迁；二、加强管线巡查。"
    member = factory.LazyAttribute(lambda o: getattr(o.author, "member", None))

    class Meta:
        model = Proposal


def session():
    """The plenary session proposals are numbered in."""
    from district.models import Session

    return Session.objects.get_or_create(term=TermFactory(), number=1, defaults={"year": 2022})[0]


def submitted(cast, **kwargs) -> Proposal:
    session()
    proposal = ProposalFactory(author=kwargs.pop("author", cast.member), **kwargs)
    return perform(proposal, "submit", actor=proposal.author)


def filed(cast, **kwargs) -> Proposal:
    proposal = submitted(cast, **kwargs)
    perform(proposal, "pre_review", actor=cast.proposal)
    return perform(proposal, "file", actor=cast.proposal)


def assigned(cast, *, co=None, **kwargs) -> Proposal:
    """Filed and handed over: lead unit 教育局 (cast.liaison), optionally a co-unit."""
    proposal = filed(cast, **kwargs)
    data = {"mode": "lead", "lead": cast.liaison.department_id}
    if co is not None:
        data["co"] = str(co.department_id)
    perform(proposal, "set_units", actor=cast.proposal, data=data)
    return perform(proposal, "assign", actor=cast.proposal)


def in_progress(cast, **kwargs) -> Proposal:
    proposal = assigned(cast, **kwargs)
    return perform(proposal, "acknowledge", actor=cast.liaison)


def contact(cast, proposal, liaison=None):
    from django.utils import timezone

    return services.record_contact(
        proposal=proposal,
        actor=liaison or cast.liaison,
        method="face",
        contacted_on=timezone.localdate(),
        proposer_name="member",
        summary="当面听取意见",
    )


def replied(cast, *, code="A", **kwargs) -> Proposal:
    """Answered with the given class and approved by the office: waiting for ratings."""
    proposal = in_progress(cast, **kwargs)
    contact(cast, proposal)
    services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code=code),
        body="答复如下",
        signed_by="局长",
    )
    proposal.refresh_from_db()
    return perform(proposal, "approve_reply", actor=cast.proposal)


def reply_classes():
    """The seeded reply classes (transactional tests flush what the data migration created)."""
    from importlib import import_module

    seed = import_module("proposals.migrations.0002_seed_reply_classes")
    for code, name, description, follow_up, order in seed.DEFAULT_CLASSES:
        ReplyClass.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "needs_follow_up": follow_up, "order": order},
        )

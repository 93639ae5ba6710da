import rules
from django.db import models

from accounts.predicates import is_clerk
from core.exceptions import Refused
from core.workflow import Action, Workflow, register


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    ACCEPTED = "accepted", "accepted"
    RETURNED = "returned", "returned"


@rules.predicate
def is_owner(user, memo) -> bool:
    return memo is not None and user.is_authenticated and memo.owner_id == user.pk


def no_empty_body(memo, **kwargs) -> None:
    if not memo.body:
        raise Refused("body is empty")


def stamp_title(memo, *, actor, note, data, change) -> None:
    memo.title = f"{memo.title} [{data.get('stamp', 'ok')}]"
    memo.save(update_fields=["title"])


def holders(memo, state):
    from accounts.models import User

    if state == Status.SUBMITTED:
        return User.objects.filter(groups__name="clerk")
    return [memo.owner]


def visible(user):
    from core.tests.testapp.models import Memo

    if is_clerk(user):
        return Memo.objects.all()
    return Memo.objects.filter(owner=user)


def inbox(user):
    from core.tests.testapp.models import Memo

    if is_clerk(user):
        return Memo.objects.filter(status=Status.SUBMITTED)
    return Memo.objects.filter(owner=user, status=Status.RETURNED)


WORKFLOW = register(
    Workflow(
        model="testapp.Memo",
        states=Status,
        initial=Status.DRAFT,
        actions=[
            Action(
                "submit", "submit", (Status.DRAFT, Status.RETURNED), Status.SUBMITTED, is_owner, guard=no_empty_body
            ),
            Action("accept", "accept", (Status.SUBMITTED,), Status.ACCEPTED, is_clerk, effect=stamp_title),
            Action("return", "return", (Status.SUBMITTED,), Status.RETURNED, is_clerk, note_required=True),
        ],
        holders=holders,
        visible=visible,
        inbox=inbox,
        reads_notes=is_clerk,
        addressee=is_owner,
    )
)

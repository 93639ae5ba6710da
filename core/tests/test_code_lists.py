"""The district's coded lists (reply classes, adoption levels, appeal categories) are read by their
code everywhere; two codes that differ only in case would read as one class in lists and exports."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grassroots.models import WorkstationService
from intake.models import AppealCategory
from opinions.models import AdoptionLevel
from proposals.models import ReplyClass
from supervision.models import TaskReplyClass

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (ReplyClass, {"name": "已解决"}, "已有代码相同（不区分大小写）的答复类别。"),
        (AdoptionLevel, {"name": "区级"}, "已有代码相同（不区分大小写）的采用层级。"),
        (AppealCategory, {"name": "城建"}, "已有代码相同（不区分大小写）的诉求类别。"),
        (TaskReplyClass, {"name": "已解决", "kind": "solved"}, "已有代码相同（不区分大小写）的答复类别。"),
        (WorkstationService, {"name": "法律援助"}, "已有代码相同（不区分大小写）的服务类型。"),
    ],
)
def test_a_code_differing_only_in_case_is_refused(model, fields, message):
    model.objects.create(code="zz", **fields)
    twin = model(code="ZZ", **fields)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()  # what the admin form runs
    assert message in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # and the database holds the rule for every other writer


def test_a_reply_class_named_in_lower_case_is_found(cast):
    from proposals.services.handling import _reply_class

    code = ReplyClass.objects.filter(is_active=True).values_list("code", flat=True).first()
    assert _reply_class(code.lower()).code == code

"""Review 7: a retired reply class stays in the list filter (the statistics link to it), and an unknown
class is reported on the field without dropping the other conditions."""

import pytest

from proposals.models import ReplyClass
from proposals.tests.factories import replied, submitted

pytestmark = pytest.mark.django_db


def test_the_proposals_answered_with_a_retired_class_are_still_listed(cast, client):
    answered_c = replied(cast, code="C")
    replied(cast, code="A")
    submitted(cast)
    ReplyClass.objects.filter(code="C").update(is_active=False)
    ReplyClass.objects.create(code="E", name="未用类别", is_active=False)
    client.force_login(cast.proposal)
    response = client.get("/proposals/", {"reply_class": "C", "year": 2022, "first_reply": "on"})
    assert [p.pk for p in response.context["page"]] == [answered_c.pk]
    page = response.content.decode()
    assert '<option value="C" selected>C类（' in page and "（已停用）</option>" in page
    assert 'data-testid="filter-errors"' not in page
    # A retired class nothing was answered with is not offered.
    assert '<option value="E"' not in page
    assert '<option value="A" >A类（' in page


def test_an_unknown_class_is_reported_and_the_other_conditions_still_apply(cast, client):
    replied(cast, code="A")
    submitted(cast)
    client.force_login(cast.proposal)
    response = client.get("/proposals/", {"reply_class": "Z", "status": "submitted"})
    listed = list(response.context["page"])
    assert listed and all(p.status == "submitted" for p in listed)
    page = response.content.decode()
    assert "答复类别：没有答复类别“Z”，已忽略此条件。" in page
    assert 'aria-invalid="true" aria-describedby="filter-errors"' in page

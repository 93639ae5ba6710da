"""Reviewer 6's findings on the dashboard: 提案 · 按答复类别 counts what the annual report counts."""

import pytest

from insight.selectors import stats
from insight.selectors.scope import ALL, Period, Scope
from proposals import services
from proposals.models import ReplyClass
from proposals.statistics import annual_statistics
from proposals.tests.factories import contact, in_progress, replied, reply_classes

pytestmark = pytest.mark.django_db


def test_a_reply_under_the_offices_review_is_not_counted_by_class_and_the_figures_agree(client, cast):
    reply_classes()
    approved = replied(cast, code="A", title="关于燃气站搬迁的建议")
    under_review = in_progress(cast, title="关于增设公交线路的建议")
    contact(cast, under_review)
    services.submit_reply(
        proposal=under_review,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code="C"),
        body="答复如下",
        signed_by="局长",
    )
    figure = stats.proposals_by_reply_class(Scope(ALL), Period.for_year(2022))
    assert [(r.label[:2], r.value) for r in figure.rows] == [("A类", 1)]
    # The same figure as the annual report's 提案答复类别 and the dashboard's 提案：交办至答复.
    report = {c["code"]: c["count"] for c in annual_statistics(2022)["by_class"]}
    assert (report["A"], report["C"]) == (1, 0)
    assert stats.proposal_timeliness(Scope(ALL), Period.for_year(2022))["count"] == 1
    # The row opens the proposals it counts, for the office too (which reads replies under review).
    client.force_login(cast.chair)
    assert approved.title in client.get(figure.rows[0].url).content.decode()
    counted = client.get("/proposals/?reply_class=C&year=2022&first_reply=on").content.decode()
    assert under_review.title not in counted
    assert under_review.title in client.get("/proposals/?reply_class=C&year=2022").content.decode()

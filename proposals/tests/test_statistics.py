"""The proposal satisfaction rate: one definition (proposals.statistics), the same figure on every page."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from core.documents import render_docx
from insight.report import build_annual_report
from proposals.models import ProposalRating
from proposals.statistics import annual_statistics, rating_counts, satisfaction_rate
from proposals.tests.factories import replied

pytestmark = pytest.mark.django_db


def rate(proposal, user, rating: str, round_no: int = 1) -> None:
    """A proposer's rating as stored (the workflow's own tests cover rate_reply)."""
    ProposalRating.objects.create(proposal=proposal, round=round_no, user=user, rating=rating, recorded_by=user)


def counts_of(*proposals) -> dict:
    from proposals.models import Proposal

    return rating_counts(Proposal.objects.filter(pk__in=[p.pk for p in proposals]))


def test_basically_satisfied_counts_as_content_and_each_proposal_counts_once(cast):
    both, basic, unhappy = replied(cast), replied(cast), replied(cast)
    rate(both, cast.member, "satisfied")
    rate(both, cast.other_member, "satisfied")
    rate(basic, cast.member, "basic")
    rate(unhappy, cast.member, "unsatisfied")
    counts = counts_of(both, basic, unhappy)
    assert counts == {"satisfied": 1, "basic": 1, "unsatisfied": 1}
    assert satisfaction_rate(counts) == 66.7


def test_one_unsatisfied_proposer_makes_a_joint_proposal_unsatisfied(cast):
    joint = replied(cast)
    rate(joint, cast.member, "satisfied")
    rate(joint, cast.other_member, "unsatisfied")
    assert counts_of(joint) == {"unsatisfied": 1}


def test_after_re_handling_the_latest_rounds_rating_counts(cast):
    proposal = replied(cast)
    rate(proposal, cast.member, "unsatisfied", round_no=1)
    assert counts_of(proposal) == {"unsatisfied": 1}
    rate(proposal, cast.member, "basic", round_no=2)
    assert counts_of(proposal) == {"basic": 1}


def test_nothing_rated_has_no_rate_rather_than_zero_percent(client, cast):
    replied(cast)
    assert satisfaction_rate({}) is None
    client.force_login(cast.proposal)
    html = client.get(reverse("proposals:stats"), {"year": 2022}).content.decode()
    assert re.search(r'data-testid="satisfaction">—<', html)


def _shown(html: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]*)<', html).group(1)


def test_every_page_export_and_the_annual_report_show_the_same_satisfaction(client, cast, settings):
    """Per rating this data is 2 of 3 content (66.7 %); per proposal 1 of 2 (50.0 %), on every page."""
    settings.INSIGHT_CACHE_SECONDS = 0
    cache.clear()
    joint, single = replied(cast), replied(cast)
    rate(joint, cast.member, "satisfied")
    rate(joint, cast.other_member, "satisfied")
    rate(single, cast.member, "unsatisfied")
    client.force_login(cast.proposal)

    stats_page = client.get(reverse("proposals:stats"), {"year": 2022}).content.decode()
    assert _shown(stats_page, "satisfaction") == "50.0%"
    assert "按提案计" in stats_page and "基本满意" in stats_page

    client.force_login(cast.clerk)
    dashboard = client.get("/insight/", {"year": 2022}).content.decode()
    assert _shown(dashboard, "proposal-satisfaction") == "50.0%"
    assert "按提案计" in dashboard

    report = Document(io.BytesIO(render_docx(build_annual_report(2022))))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "提案答复满意率（满意和基本满意）为50.0%" in text
    assert annual_statistics(2022)["ratings"]["satisfaction"] == 50.0

    client.force_login(cast.proposal)
    listed = client.get(reverse("proposals:list"), {"year": 2022, "rating": "satisfied"}).context["page"]
    assert [p.pk for p in listed] == [joint.pk]
    ws = load_workbook(io.BytesIO(client.get(reverse("proposals:export"), {"year": 2022}).content)).active
    headers = [c.value for c in ws[2]]
    ratings = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=headers.index("评价") + 1).value for r in (3, 4)}
    assert sorted(ratings.values()) == ["不满意", "满意"]

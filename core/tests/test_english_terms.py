"""One Chinese word, two English ones: an appeal's or a livelihood issue's 类别 and 地点 read "Category"
and "Location" in English (pgettext context "appeal or issue"), while a meeting's 地点 stays "Venue"
and other 类别 (a department's, a town's) stay "Type"."""

import io
from datetime import date

import openpyxl
import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_clerk(client, cast):
    client.force_login(cast.clerk)
    client.cookies["django_language"] = "en"
    yield client


def test_an_appeal_has_a_category_and_a_location_on_the_office_pages(english_clerk):
    from insight.tests.factories import appeal

    case = appeal(on=date(2022, 3, 1))
    detail = english_clerk.get(f"/appeals/office/{case.pk}/").content.decode()
    assert ">Category</dt>" in detail and ">Location</dt>" in detail
    assert ">Type</dt>" not in detail and ">Venue</dt>" not in detail
    listing = english_clerk.get("/appeals/office/").content.decode()
    assert "<th>Category</th>" in listing and 'for="category">Category</label>' in listing


def test_the_appeal_export_heads_the_column_category(english_clerk):
    response = english_clerk.get("/insight/export/appeals.xlsx?year=2022")
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content)).active[2]]
    assert "Category" in header and "Type" not in header, header


def test_a_livelihood_issue_has_a_location_and_a_meeting_keeps_its_venue(english_clerk, cast):
    from consultations.tests.factories import MeetingFactory
    from grassroots.tests.factories import DutyIssueFactory

    issue = DutyIssueFactory()
    page = english_clerk.get(issue.get_absolute_url()).content.decode()
    assert ">Location</dt>" in page and ">Venue</dt>" not in page
    meeting = MeetingFactory(created_by=cast.clerk)
    assert ">Venue</dt>" in english_clerk.get(meeting.get_absolute_url()).content.decode()


def test_an_edit_button_reads_edit(client, cast):
    """修改 on a button is the verb (Edit); in an object's history the same word says what happened (Modified)."""
    from opinions.tests.factories import draft

    report = draft(cast)
    client.force_login(cast.member)
    client.cookies["django_language"] = "en"
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="/opinions/{report.pk}/edit/">Edit</a>' in page

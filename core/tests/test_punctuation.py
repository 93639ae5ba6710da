"""Chinese punctuation (、；（）and sentences run together) is not left in what an English reader reads.

The separators are translated messages (core.i18n: join_list, join_clauses, join_sentences,
parenthesised; in templates `{% translate "、" context "list separator" %}` and the `join_list`
filter); text the platform records keeps the district's own inside `record_language()`.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import translation

from core.i18n import join_clauses, join_list, join_sentences, parenthesised, record_language


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_helpers_keep_chinese_punctuation_in_chinese():
    with translation.override("zh-hans"):
        assert join_list(["甲", "乙", "丙"]) == "甲、乙、丙"
        assert join_clauses(["请填写标题", "请填写内容"]) == "请填写标题；请填写内容"
        assert join_sentences("第一句。", "第二句。") == "第一句。第二句。"
        assert parenthesised("庄杰娟", "副主席") == "庄杰娟（副主席）"


def test_the_helpers_use_english_punctuation_for_an_english_reader(english):
    assert join_list(["A", "B", "C"]) == "A, B, C"
    assert join_clauses(["Enter a title.", "Enter a text."]) == "Enter a title.; Enter a text."
    assert join_sentences("One.", "Two.", "Three.") == "One. Two. Three."
    assert join_sentences("Alone.") == "Alone."
    assert parenthesised("Zhuang Jiejuan", "Vice-chair") == "Zhuang Jiejuan (Vice-chair)"
    with record_language():  # what the platform records keeps the district's punctuation
        assert join_list(["甲", "乙"]) == "甲、乙"


def test_templates_list_and_bracket_in_the_readers_language(english):
    template = Template(
        '{% load i18n xieshang %}{% for n in names %}{{ n }}{% if not forloop.last %}{% translate "、" context '
        '"list separator" %}{% endif %}{% endfor %}|{{ names|join_list }}|{{ names.0 }}{% translate "（" context '
        '"opening bracket" %}x{% translate "）" context "closing bracket" %}'
    )
    assert template.render(Context({"names": ["A", "B<"]})) == "A, B&lt;|A, B&lt;|A (x)"


def test_a_refused_file_lists_the_accepted_types_with_commas(english):
    from core.exceptions import Refused
    from core.uploads import check_upload

    with pytest.raises(Refused) as refused:
        check_upload(SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100))
    message = str(refused.value.message)
    assert "、" not in message and "pdf, " in message, message


@pytest.mark.django_db
def test_a_party_leader_is_named_with_the_title_in_brackets(english):
    from district.tests.factories import PartyLeaderFactory

    leader = PartyLeaderFactory(name="Wang", title="Secretary")
    assert str(leader) == "Wang (Secretary)"
    with record_language():
        assert str(leader) == "Wang（Secretary）"


@pytest.mark.django_db
def test_the_members_on_duty_are_listed_with_commas_in_both_calendars(client):
    from icalendar import Calendar

    from consultations.calendar import duty_event
    from district.tests.factories import MemberFactory
    from grassroots.tests.factories import ReceptionDayFactory

    day = ReceptionDayFactory(date=datetime.date(2030, 6, 8))
    day.on_duty.add(MemberFactory(name="洪志强"), MemberFactory(name="陈宏"))
    client.cookies["django_language"] = "en"
    feed = client.get(f"/grassroots/workstations/{day.workstation.pk}/calendar.ics")
    [event] = Calendar.from_ical(feed.content).walk("VEVENT")
    with translation.override("en"):
        member_feed = duty_event(day)
    for description in (str(event["description"]), member_feed.description):
        assert "洪志强, 陈宏" in description or "陈宏, 洪志强" in description, description


@pytest.mark.django_db
def test_the_autosave_error_joins_the_field_errors_with_semicolons(client, cast):
    from proposals.tests.factories import ProposalFactory

    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/proposals/{proposal.pk}/autosave/",
        {"title": "x" * 600, "case": "", "analysis": "", "suggestions": "", "version": "x"},
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "；" not in message and "; " in message, message


@pytest.mark.django_db
def test_the_lead_of_a_research_group_has_the_title_in_brackets(client, cast):
    from consultations.models import ResearchGroup

    lead = cast.chair.member
    group = ResearchGroup.objects.create(title="课题", year=2027, lead=lead, created_by=cast.research)
    client.force_login(cast.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(group.get_absolute_url()).content.decode()
    with translation.override("en"):
        title = lead.title
    assert f"{lead.name} ({title})" in page, title


@pytest.mark.django_db
def test_the_scale_note_has_a_space_between_its_two_sentences(english):
    from insight.selectors.duty import scale_note

    note = scale_note((90, 80, 60))
    assert ". Grade" in note and ".Grade" not in note, note

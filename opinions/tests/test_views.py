"""社情民意 pages: writing, the information office's desk, bulletins (DOCX read back), counts."""

import io

import pytest
from django.urls import reverse
from docx import Document

from opinions.models import Bulletin, OpinionReport
from opinions.tests.factories import draft, published, received, signed

pytestmark = pytest.mark.django_db


def test_member_writes_a_report_in_the_name_of_their_sector(client, cast):
    client.force_login(cast.member)
    sector = cast.member.member.sector
    response = client.post(
        reverse("opinions:create"),
        {"title": "关于燃气公司搬迁", "body": "建议尽快搬迁", "provider": f"sector:{sector.pk}"},
    )
    report = OpinionReport.objects.get()
    assert response.status_code == 302 and report.provider == sector and report.member == cast.member.member


def test_overlong_body_is_refused_on_submit_with_a_clear_message(client, cast):
    report = draft(cast, body="字" * 1600)
    client.force_login(cast.member)
    client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "submit", "next": report.get_absolute_url()},
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "不超过1500字" in page
    report.refresh_from_db()
    assert report.status == "draft"


def test_combined_bulletin_from_the_desk_and_its_docx(client, cast):
    one, two = signed(cast, title="第一篇信息"), signed(cast, title="第二篇信息")
    client.force_login(cast.info)
    response = client.post(
        reverse("opinions:bulletins"), {"title": "综合专辑", "form": "combined", "reports": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    docx = client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "综合专辑" in text and "第一篇信息" in text and "第二篇信息" in text
    client.force_login(cast.member)
    assert client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk])).status_code == 404


def test_single_edition_with_two_reports_is_refused_on_the_desk(client, cast):
    one, two = signed(cast), signed(cast)
    client.force_login(cast.info)
    response = client.post(reverse("opinions:bulletins"), {"title": "", "form": "single", "reports": [one.pk, two.pk]})
    assert "单篇编发只能选择一篇" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_counts_page_lists_members(client, cast):
    published(cast)
    client.force_login(cast.info)
    response = client.get(reverse("opinions:stats"))
    assert 'data-testid="year-error"' not in response.content.decode()
    rows = response.context["members"]
    assert [(r["name"], r["submitted"], r["adopted"]) for r in rows] == [("member", 1, 1)]
    client.force_login(cast.member)
    assert client.get(reverse("opinions:stats")).status_code == 404


def test_list_query_count_does_not_grow(client, cast, django_assert_max_num_queries):
    published(cast)
    client.force_login(cast.info)
    with django_assert_max_num_queries(15) as first:
        client.get(reverse("opinions:list"))
    for _ in range(5):
        published(cast)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("opinions:list"))


# Found in exploratory QA


@pytest.mark.parametrize("year", ["abc", "20222", "99999999999"])
def test_a_mistyped_year_filter_shows_the_page(client, cast, year):
    draft(cast)
    client.force_login(cast.info)
    assert client.get(reverse("opinions:list"), {"year": year}).status_code == 200
    stats = client.get(reverse("opinions:stats"), {"year": year})
    assert stats.status_code == 200 and f"“{year}”不是有效的年度，以下显示全部年度的统计。" in stats.content.decode()
    # The shared Excel export reads the same list.
    assert client.get(reverse("insight:export", args=["opinions"]), {"year": year}).status_code == 200


def test_a_refused_action_keeps_the_note_typed_on_the_report_page(client, cast):
    report = received(cast)
    client.force_login(cast.info)
    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "forward", "note": "请教育局研究办理", "next": report.get_absolute_url()},
        follow=True,
    )
    body = response.content.decode()
    assert "请选择转送单位" in body and ">请教育局研究办理</textarea>" in body


def test_an_overlong_single_bulletin_title_is_refused_and_nothing_is_published(client, cast):
    report = signed(cast)
    client.force_login(cast.info)
    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "publish", "data_bulletin_title": "长" * 201, "next": report.get_absolute_url()},
        follow=True,
    )
    body = response.content.decode()
    assert "标题：确保" in body and "200" in body and "201" in body
    report.refresh_from_db()
    assert report.status == "signed" and not Bulletin.objects.exists()
    client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "publish", "data_bulletin_title": "长" * 200, "next": report.get_absolute_url()},
    )
    bulletin = Bulletin.objects.get()
    response = client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    assert response.status_code == 200 and Document(io.BytesIO(response.content)).paragraphs


def test_the_edit_page_of_a_submitted_report_sends_the_author_back_with_the_reason(client, cast):
    from core.workflow import perform

    report = draft(cast)
    perform(report, "submit", actor=cast.member)
    client.force_login(cast.member)
    response = client.get(reverse("opinions:edit", args=[report.pk]), follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "当前状态下您不能修改这篇信息" in response.content.decode()
    client.force_login(cast.info)
    assert client.get(reverse("opinions:edit", args=[report.pk])).status_code == 200


def test_adoption_and_instruction_dates_cannot_be_picked_after_today(client, cast):
    """A later date is refused by the server after the leader's instruction text was typed (and lost)."""
    from django.utils import timezone

    report = published(cast)
    client.force_login(cast.info)
    body = client.get(report.get_absolute_url()).content.decode()
    today = timezone.localdate().isoformat()
    assert f'id="date-record_instruction" name="data_date" value="{today}" max="{today}"' in body


def test_a_refused_instruction_keeps_the_leader_and_text_typed(client, cast):
    """core:transition keeps an action's own fields (data_*) as well as its note when it refuses."""
    report = published(cast)
    client.force_login(cast.info)
    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {
            "action": "record_instruction",
            "data_level": "no-such-level",
            "data_leader": "区委书记张某",
            "data_text": "请区教育局牵头研究，月底前报送方案。",
            "data_date": "2022-06-01",
            "next": report.get_absolute_url(),
        },
        follow=True,
    )
    body = response.content.decode()
    assert 'value="区委书记张某"' in body
    assert ">请区教育局牵头研究，月底前报送方案。</textarea>" in body


# Review 2


def test_the_bulletin_desk_lists_the_newest_issue_first_and_pages_the_rest(client, cast):
    from datetime import date

    Bulletin.objects.bulk_create(
        Bulletin(
            year=2026, issue=n, title=f"第{n}期", form="single", published_on=date(2026, 1, 1), published_by=cast.info
        )
        for n in range(1, 45)
    )
    client.force_login(cast.info)
    first = client.get(reverse("opinions:bulletins"))
    rows = list(first.context["page"])
    assert [b.issue for b in rows[:2]] == [44, 43] and len(rows) == 30
    assert "page=2" in first.content.decode()
    second = list(client.get(reverse("opinions:bulletins"), {"page": 2}).context["page"])
    assert [b.issue for b in second][-1] == 1


def test_a_report_is_not_forwarded_to_a_unit_with_no_liaison_in_post(client, cast):
    from accounts.services import deactivate_liaison
    from district.tests.factories import DepartmentFactory

    nobody = DepartmentFactory(name="区委办公室")
    deactivate_liaison(user=cast.other_liaison, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    report = received(cast)
    client.force_login(cast.info)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'<option value="{nobody.pk}" disabled>区委办公室（无在岗联络员）</option>' in page
    assert f'<option value="{cast.liaison.department_id}">教育局</option>' in page
    for unit in (nobody, cast.other_liaison.department):
        response = client.post(
            reverse("core:transition", args=["opinions.opinionreport", report.pk]),
            {"action": "forward", "data_department": unit.pk, "next": report.get_absolute_url()},
            follow=True,
        )
        assert f"{unit.name}目前没有在岗联络员" in response.content.decode()
        report.refresh_from_db()
        assert report.status == "received" and report.forwarded_to is None


def test_the_information_office_enters_a_paper_report_credited_to_the_member(client, cast):
    from core.workflow import perform
    from opinions import selectors

    member = cast.other_member.member
    client.force_login(cast.info)
    form = client.get(reverse("opinions:create")).content.decode()
    assert 'name="member"' in form and f">{member.name}（{member.sector}）</option>" in form
    response = client.post(reverse("opinions:create"), {"title": "纸质信息", "body": "建议", "member": member.pk})
    report = OpinionReport.objects.get()
    assert response.status_code == 302 and (report.member, report.author) == (member, cast.info)
    perform(report, "submit", actor=cast.info)
    assert [(r["name"], r["submitted"]) for r in selectors.counts_per_member()] == [(member.name, 1)]
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'data-testid="reporter">{member.name}<' in page and 'data-testid="entered-by">info<' in page
    assert report.history.earliest().history_user == cast.info  # the audit names who entered it
    # Naming neither a member nor a group is refused on the form.
    response = client.post(reverse("opinions:create"), {"title": "无人署名", "body": "正文"})
    assert "请选择反映人（委员）或报送单位。" in response.content.decode() and OpinionReport.objects.count() == 1


def test_a_member_writing_a_report_is_not_offered_another_member(client, cast):
    client.force_login(cast.member)
    assert 'name="member"' not in client.get(reverse("opinions:create")).content.decode()


def test_the_report_page_shows_the_instructions_supervision_task_and_its_state(client, cast):
    from core.workflow import perform
    from supervision.models import SupervisionTask

    report = published(cast)
    data = {"leader": "张书记", "level": "district", "text": "请教育局落实", "department": cast.liaison.department_id}
    perform(report, "record_instruction", actor=cast.info, data=data)
    task = SupervisionTask.objects.get()
    client.force_login(cast.info)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'<a href="{task.get_absolute_url()}">' in page and "待交办" in page
    client.force_login(cast.member)  # the member sees the state, not a link to a page he may not open
    page = client.get(report.get_absolute_url()).content.decode()
    assert "待交办" in page and task.get_absolute_url() not in page


def test_a_nul_character_in_the_edit_form_is_named_as_such(client, cast):
    report = draft(cast)
    client.force_login(cast.member)
    response = client.post(
        reverse("opinions:edit", args=[report.pk]), {"title": "标题\x00", "body": "正文", "version": report.version}
    )
    body = response.content.decode()
    assert "不能包含不可见的控制字符（如 NUL），请删除后重试。" in body and "不允许是用空字符串" not in body


def test_lists_pages_and_bulletins_name_whom_a_report_is_from_never_the_clerk_who_keyed_it_in(client, cast):
    """The member it counts for (also one who wrote it in a workstation's name), else the group alone;
    the information office's clerk only as 录入人 (as the Excel export, `OpinionReport.reported_by`)."""
    from core.workflow import perform
    from grassroots.tests.factories import WorkstationFactory
    from opinions.services import draft_report

    station = WorkstationFactory()
    by_office = draft_report(title="信息科以工作室名义录入", body="正文", author=cast.info, provider=station)
    by_member = draft_report(title="委员以工作室名义报送", body="正文", author=cast.member, provider=station)
    for report in (by_office, by_member):
        perform(report, "submit", actor=report.author)
        perform(report, "receive", actor=cast.info)
        perform(report, "sign_off", actor=cast.secgen)
    client.force_login(cast.info)
    listed = client.get(reverse("opinions:list"))
    reporters = {r.title: r for r in listed.context["page"]}
    page = listed.content.decode()
    assert page.count('data-testid="reporter">—<') == 1 and 'data-testid="reporter">member<' in page
    assert 'data-testid="reporter">info<' not in page and reporters[by_member.title].reported_by == "member"
    office_page = client.get(by_office.get_absolute_url()).content.decode()
    assert 'data-testid="reporter"' not in office_page and 'data-testid="entered-by">info<' in office_page
    member_page = client.get(by_member.get_absolute_url()).content.decode()
    assert 'data-testid="reporter">member<' in member_page and 'data-testid="entered-by"' not in member_page
    client.post(
        reverse("opinions:bulletins"),
        {"title": "综合专辑", "form": "combined", "reports": [by_office.pk, by_member.pk]},
    )
    docx = client.get(reverse("opinions:bulletin_docx", args=[Bulletin.objects.get().pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"（报送单位：{station}）" in text and "（反映人：member）" in text and "info" not in text


# Review 6


def test_the_bulletin_an_english_reader_downloads_is_composed_in_chinese(client, cast):
    """#4: the issue line, the reporter line and the date are the district's, whatever the reader's language."""
    report = published(cast, title="关于燃气公司搬迁的建议")
    bulletin = report.bulletin
    client.force_login(cast.info)
    client.cookies["django_language"] = "en"
    docx = client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"《社情民意》{bulletin.year}年第{bulletin.issue}期" in text
    assert f"（反映人：{report.credited_member.name}）" in text
    day = bulletin.published_on
    assert f"{day.year}年{day.month}月{day.day}日" in text
    assert "Public Opinion" not in text and "Reported by" not in text


def test_upper_adoption_is_not_offered_nor_accepted_at_the_district_cppccs_own_level(client, cast):
    """#6: 区政协编发 is the adoption the bulletin itself gave; 登记上级采用 takes only a level above it."""
    from core.workflow import perform

    report = published(cast)
    perform(report, "report_up", actor=cast.info, data={"to": "区委、区政府、市政协"})
    client.force_login(cast.info)
    page = client.get(report.get_absolute_url()).content.decode()
    adoption_select = page.split('id="level-record_adoption"')[1].split("</select>")[0]
    assert 'value="city"' in adoption_select and 'value="district_cppcc"' not in adoption_select
    instruction_select = page.split('id="level-record_instruction"')[1].split("</select>")[0]
    assert 'value="district_cppcc"' in instruction_select  # a district CPPCC leader may still instruct

    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {
            "action": "record_adoption",
            "data_level": "district_cppcc",
            "data_date": "2022-06-01",
            "note": "区政协主席会议采用",
            "next": report.get_absolute_url(),
        },
        follow=True,
    )
    body = response.content.decode()
    assert "不是上级采用：请选择区政协以上的层级" in body
    assert ">区政协主席会议采用</textarea>" in body and 'value="2022-06-01"' in body
    report.refresh_from_db()
    assert report.status == "reported"
    assert list(report.adoptions.values_list("level__code", flat=True)) == ["district_cppcc"]

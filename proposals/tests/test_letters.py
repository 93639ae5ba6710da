"""The reply letter (答复函): real DOCX and PDF laid out as an official letter, and who may download it."""

import io
import subprocess

import pytest
from constance.test import override_config
from django.urls import reverse
from docx import Document

from core.tests.documents import libreoffice_text
from core.workflow import perform
from proposals import services
from proposals.models import ProposalReply
from proposals.services.letters import letter_docx, letter_number, letter_pdf
from proposals.tests.factories import ProposalFactory, contact, in_progress, session

pytestmark = pytest.mark.django_db


def joint_replied(cast, *, approve=True):
    """A joint proposal (member with co-signer member2) answered by 教育局 with contact 王老师."""
    session()
    member = cast.member.member
    member.phone, member.id_number, member.address = "13900001111", "350212198001011234", "同安区祥平街道某某路8号"
    member.save()
    cast.member.phone = "13900001111"
    cast.member.save()
    p = ProposalFactory(author=cast.member, kind="joint", title="关于推动区燃气公司搬迁的建议")
    services.set_cosigners(proposal=p, members=[cast.other_member.member], actor=cast.member)
    perform(p, "invite", actor=cast.member)
    services.respond_cosign(proposal=p, actor=cast.other_member, accept=True)
    perform(p, "submit", actor=cast.member)
    perform(p, "pre_review", actor=cast.proposal)
    perform(p, "file", actor=cast.proposal)
    perform(p, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(p, "assign", actor=cast.proposal)
    perform(p, "acknowledge", actor=cast.liaison)
    contact(cast, p)
    reply = services.submit_reply(
        proposal=p,
        actor=cast.liaison,
        reply_class="B",
        body="一、已将燃气公司搬迁列入年度计划。\n二、年内完成新址选址。",
        signed_by="陈局长",
        contact_name="王老师",
        contact_phone="0592-7021234",
    )
    p.refresh_from_db()
    if approve:
        perform(p, "approve_reply", actor=cast.proposal)
    return p, reply


def docx_text(content: bytes) -> str:
    return "\n".join(par.text for par in Document(io.BytesIO(content)).paragraphs)


def test_docx_is_laid_out_as_a_reply_letter(cast):
    p, reply = joint_replied(cast)
    text = docx_text(letter_docx(ProposalReply.objects.get(pk=reply.pk)))
    lines = text.splitlines()
    assert lines[0] == "教育局"  # the unit's name heads the letter
    assert "教育局提复〔2022〕1号" in text
    assert "对2022年14届1次第001号提案的答复" in text
    assert "member委员、member2委员：" in text  # the lead proposer (领衔人) first, then the co-signer
    assert "《关于推动区燃气公司搬迁的建议》" in text
    assert "B类（列入计划解决）" in text
    assert "二、年内完成新址选址。" in text
    assert "联系人：王老师，联系电话：0592-7021234" in text
    assert "签发人：陈局长" in text and "（单位印章）" in text
    # The seal line: the unit and the date, under the text.
    assert f"教育局\n{reply.submitted_at.year}年" in text
    # The proposer's own personal data never appears on the letter.
    for private in ("13900001111", "350212198001011234", "祥平街道"):
        assert private not in text


def test_pdf_is_a_real_pdf_with_the_same_text(cast, tmp_path):
    _p, reply = joint_replied(cast)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter_pdf(reply))
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "教育局提复〔2022〕1号" in text and "0592-7021234" in text and "13900001111" not in text


def test_libreoffice_opens_the_letter(cast, tmp_path):
    _p, reply = joint_replied(cast)
    text = libreoffice_text(letter_docx(reply), tmp_path, name="letter")
    assert "燃气公司搬迁" in text


def test_number_follows_the_configured_pattern_and_survives_a_mistyped_one(cast):
    _p, reply = joint_replied(cast)
    with override_config(PROPOSAL_REPLY_LETTER_NUMBER="{unit}函〔{year}〕{serial}-{round}号"):
        assert letter_number(reply) == "教育局函〔2022〕1-1号"
    with override_config(PROPOSAL_REPLY_LETTER_NUMBER="{unit}函〔{yaer}〕{serial号"):
        assert letter_number(reply) == "教育局提复〔2022〕1号"


def test_contact_defaults_to_the_liaisons_account(cast):
    cast.liaison.phone = "0592-7020000"
    cast.liaison.save()
    p = in_progress(cast)
    contact(cast, p)
    reply = services.submit_reply(proposal=p, actor=cast.liaison, reply_class="A", body="已解决", signed_by="局长")
    assert (reply.contact_name, reply.contact_phone) == ("liaison", "0592-7020000")
    assert reply.submitted_at is not None


def url(p, reply, fmt="docx"):
    return reverse("proposals:letter", args=[p.pk, reply.pk, fmt])


def test_unit_office_and_proposers_download_the_letter(client, cast):
    p, reply = joint_replied(cast)
    for user in (cast.liaison, cast.proposal, cast.member, cast.other_member):
        client.force_login(user)
        response = client.get(url(p, reply))
        assert response.status_code == 200, user
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        assert "教育局提复〔2022〕1号" in docx_text(response.content)
        pdf = client.get(url(p, reply, "pdf"))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # The proposer finds the download on the proposal page.
    client.force_login(cast.member)
    page = client.get(p.get_absolute_url()).content.decode()
    assert url(p, reply) in page and url(p, reply, "pdf") in page


def test_everyone_else_gets_404(client, cast):
    p, reply = joint_replied(cast)
    # Another unit cannot see the proposal; a member who may read filed proposals is not a proposer;
    # the government office sees the proposal but the letter (with the handler's phone) is not theirs.
    for user in (cast.other_liaison, cast.standing, cast.gov_office, cast.citizen):
        client.force_login(user)
        assert client.get(url(p, reply)).status_code == 404, user
        assert url(p, reply) not in client.get(p.get_absolute_url()).content.decode()
    client.force_login(cast.proposal)
    assert client.get(reverse("proposals:letter", args=[p.pk, reply.pk, "odt"])).status_code == 404
    client.logout()
    assert client.get(url(p, reply)).status_code == 302


def test_proposers_get_the_letter_only_once_the_office_approved_it(client, cast):
    p, reply = joint_replied(cast, approve=False)
    client.force_login(cast.member)
    assert client.get(url(p, reply)).status_code == 404
    client.force_login(cast.liaison)
    assert client.get(url(p, reply)).status_code == 200
    perform(p, "approve_reply", actor=cast.proposal)
    client.force_login(cast.member)
    assert client.get(url(p, reply)).status_code == 200


def test_a_reply_of_another_proposal_is_404(client, cast):
    p, reply = joint_replied(cast)
    other = in_progress(cast)
    client.force_login(cast.proposal)
    assert client.get(reverse("proposals:letter", args=[other.pk, reply.pk, "docx"])).status_code == 404


def rehandled(cast):
    """The joint proposal of `joint_replied`, rated 不满意, handled again and answered in the second round."""
    p, first = joint_replied(cast)
    for proposer in (cast.member, cast.other_member):
        services.rate_reply(proposal=p, actor=proposer, rating="unsatisfied", reason="未回应搬迁时间表")
    p.refresh_from_db()
    perform(p, "rehandle", actor=cast.proposal, note="请就搬迁时间表重新答复")
    contact(cast, p)
    second = services.submit_reply(
        proposal=p, actor=cast.liaison, reply_class="A", body="已确定明年完成搬迁。", signed_by="陈局长"
    )
    p.refresh_from_db()
    perform(p, "approve_reply", actor=cast.proposal)
    return p, ProposalReply.objects.get(pk=first.pk), ProposalReply.objects.get(pk=second.pk)


def test_the_re_handling_rounds_letter_has_its_own_number_title_and_file_name(client, cast):
    p, first, second = rehandled(cast)
    assert letter_number(first) == "教育局提复〔2022〕1号"  # the first round's number as before
    assert letter_number(second) == "教育局提复〔2022〕1-2号"
    text = docx_text(letter_docx(second))
    assert "教育局提复〔2022〕1-2号" in text and "教育局提复〔2022〕1号" not in text
    assert "对2022年14届1次第001号提案的答复（重新办理，第2轮）" in text
    assert "经重新办理" in text and "已确定明年完成搬迁。" in text
    client.force_login(cast.member)
    names = {
        client.get(url(p, reply, fmt))["Content-Disposition"] for reply in (first, second) for fmt in ("docx", "pdf")
    }
    assert len(names) == 4  # two letters, two formats: four different file names
    assert any("%E9%87%8D%E6%96%B0%E5%8A%9E%E7%90%86" in n or "重新办理" in n for n in names)  # 重新办理


def test_a_configured_number_without_the_round_still_numbers_each_round_apart(cast):
    _p, first, second = rehandled(cast)
    with override_config(PROPOSAL_REPLY_LETTER_NUMBER="{unit}函〔{year}〕{serial}号"):
        assert (letter_number(first), letter_number(second)) == ("教育局函〔2022〕1号", "教育局函〔2022〕1-2号")
    with override_config(PROPOSAL_REPLY_LETTER_NUMBER="{unit}函〔{year}〕第{serial}号（{round}）"):
        assert letter_number(second) == "教育局函〔2022〕第1号（2）"


def test_the_letter_an_english_reader_downloads_is_dated_in_chinese(client, cast):
    """Review 6 (with #3): the renderer prints the letter's date; it is the district's, not "2022-6-1"."""
    from proposals.services.letters import letter_date

    p, reply = joint_replied(cast)
    client.force_login(cast.member)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("proposals:letter", args=[p.pk, reply.pk, "docx"]))
    assert response.status_code == 200
    text = docx_text(response.content)
    day = letter_date(reply)
    assert f"教育局\n{day.year}年{day.month}月{day.day}日" in text
    assert f"{day.year}-{day.month}-{day.day}" not in text

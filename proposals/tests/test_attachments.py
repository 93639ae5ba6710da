"""Attachments: the member's supporting material on a draft, the unit's sealed reply letter (report #8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exceptions import Refused
from core.models import Attachment
from core.services import attachments_of
from core.workflow import perform
from proposals import services
from proposals.models import ReplyClass, Status
from proposals.services.drafting import SUPPORTING, supporting_files
from proposals.services.handling import SEALED_LETTER
from proposals.tests.factories import ProposalFactory, contact, in_progress, session

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESELECT = "请重新选择附件"


def pdf(name="调研报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def exe(name="病毒.exe"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 64, content_type="application/octet-stream")


def draft_data(proposal, **extra):
    return {
        "title": proposal.title,
        "case": proposal.case,
        "analysis": proposal.analysis,
        "suggestions": proposal.suggestions,
        "version": proposal.version,
        "then": "",
        **extra,
    }


def download(client, token):
    return client.get(reverse("core:attachment", args=[token]))


# The member's supporting material


def test_member_attaches_files_on_the_edit_page_and_they_are_listed_with_download_links(client, cast):
    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    edit_page = client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in edit_page and 'hx-params="not attachments"' in edit_page
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        draft_data(proposal, attachments=[pdf("调研报告.pdf"), pdf("数据.pdf")]),
    )
    assert response.status_code == 302
    files = list(supporting_files(proposal))
    assert [f.original_name for f in files] == ["调研报告.pdf", "数据.pdf"]
    assert all(f.kind == SUPPORTING and f.uploaded_by == cast.member for f in files)
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="files"' in detail and reverse("core:attachment", args=[files[0].token]) in detail
    assert download(client, files[0].token).status_code == 200


def test_files_download_only_for_who_may_see_the_proposal(client, cast):
    proposal = ProposalFactory(author=cast.member)
    [att] = services.attach_supporting_files(proposal=proposal, actor=cast.member, uploads=[pdf()])
    client.force_login(cast.other_member)
    assert download(client, att.token).status_code == 404  # another member's draft
    session()
    perform(proposal, "submit", actor=cast.member)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "file", actor=cast.proposal)
    assert download(client, att.token).status_code == 200  # filed proposals are the members' to read
    client.force_login(cast.other_liaison)
    assert download(client, att.token).status_code == 404


def test_author_removes_a_file_while_the_proposal_is_a_draft_only(client, cast):
    proposal = ProposalFactory(author=cast.member)
    first, second = services.attach_supporting_files(proposal=proposal, actor=cast.member, uploads=[pdf(), pdf()])
    client.force_login(cast.other_member)
    client.post(reverse("proposals:remove_file", args=[proposal.pk, first.token]))
    assert Attachment.objects.filter(pk=first.pk).exists()
    client.force_login(cast.member)
    page = client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    assert reverse("proposals:remove_file", args=[proposal.pk, first.token]) in page
    response = client.post(reverse("proposals:remove_file", args=[proposal.pk, first.token]))
    assert response.status_code == 302
    assert list(supporting_files(proposal)) == [second]
    session()
    perform(proposal, "submit", actor=cast.member)
    with pytest.raises(Refused):
        services.remove_supporting_file(proposal=proposal, actor=cast.member, token=second.token)
    with pytest.raises(Refused):
        services.attach_supporting_files(proposal=proposal, actor=cast.member, uploads=[pdf()])
    assert list(supporting_files(proposal)) == [second]


def test_refused_file_says_to_choose_it_again_and_keeps_the_typing(client, cast):
    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        draft_data(proposal, case="新写的案由", attachments=[exe()]),
    )
    page = response.content.decode()
    assert "类型不被接受" in page and RESELECT in page and "新写的案由" in page
    assert not supporting_files(proposal).exists()


def test_form_error_with_a_chosen_file_says_to_choose_it_again(client, cast):
    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]), draft_data(proposal, title="", attachments=[pdf()])
    )
    assert RESELECT in response.content.decode()
    assert not supporting_files(proposal).exists()


def test_refused_submission_keeps_the_files_and_does_not_ask_for_them_again(client, cast):
    session()
    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        draft_data(proposal, analysis="", then="submit", attachments=[pdf("调研报告.pdf")]),
    )
    page = response.content.decode()
    assert "请填写分析" in page and RESELECT not in page
    [att] = supporting_files(proposal)
    assert reverse("proposals:remove_file", args=[proposal.pk, att.token]) in page


def test_autosave_ignores_files(client, cast):
    proposal = ProposalFactory(author=cast.member)
    client.force_login(cast.member)
    response = client.post(
        reverse("proposals:autosave", args=[proposal.pk]), draft_data(proposal, case="自动保存", attachments=[pdf()])
    )
    assert response.status_code == 200
    assert not attachments_of(proposal).exists()


# The unit's sealed reply letter


def reply_data(**extra):
    return {
        "reply_class": ReplyClass.objects.get(code="A").pk,
        "body": "详细的答复",
        "signed_by": "局长",
        "contact_name": "王科长",
        "contact_phone": "0592-7031234",
        **extra,
    }


def test_unit_sends_its_sealed_reply_letter_with_the_reply(client, cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    client.force_login(cast.liaison)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert f'action="{reverse("proposals:reply", args=[proposal.pk])}" enctype="multipart/form-data"' in page
    response = client.post(
        reverse("proposals:reply", args=[proposal.pk]), reply_data(sealed_letter=pdf("答复函（盖章）.pdf"))
    )
    assert response.status_code == 302
    reply = proposal.replies.get()
    [att] = attachments_of(reply)
    assert att.kind == SEALED_LETTER and att.original_name == "答复函（盖章）.pdf"
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="sealed-letters"' in page and reverse("core:attachment", args=[att.token]) in page
    assert download(client, att.token).status_code == 200
    # Under review: the office reads it; the proposer and other members wait for the approval.
    client.force_login(cast.proposal)
    assert download(client, att.token).status_code == 200
    client.force_login(cast.member)
    assert download(client, att.token).status_code == 404
    assert 'data-testid="sealed-letters"' not in client.get(proposal.get_absolute_url()).content.decode()
    perform(proposal, "approve_reply", actor=cast.proposal)
    assert download(client, att.token).status_code == 200
    assert 'data-testid="sealed-letters"' in client.get(proposal.get_absolute_url()).content.decode()
    # Like the generated letter (it prints the handler's phone): not for other members or units.
    client.force_login(cast.other_member)
    assert download(client, att.token).status_code == 404
    client.force_login(cast.other_liaison)
    assert download(client, att.token).status_code == 404


def test_reply_without_a_sealed_letter_still_goes(client, cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    client.force_login(cast.liaison)
    assert client.post(reverse("proposals:reply", args=[proposal.pk]), reply_data()).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW
    assert not attachments_of(proposal.replies.get()).exists()


def test_refused_sealed_letter_refuses_the_reply_and_says_to_choose_it_again(client, cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    client.force_login(cast.liaison)
    response = client.post(reverse("proposals:reply", args=[proposal.pk]), reply_data(sealed_letter=exe()))
    page = response.content.decode()
    assert response.status_code == 400
    assert RESELECT in page and "详细的答复" in page
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS and not proposal.replies.exists()


def test_api_reply_accepts_the_sealed_letter(api_client, cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    api_client.force_authenticate(cast.liaison)
    response = api_client.post(
        f"/api/v1/proposals/{proposal.pk}/reply/",
        {"reply_class": "A", "body": "答复", "signed_by": "局长", "sealed_letter": pdf()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert attachments_of(proposal.replies.get()).get().kind == SEALED_LETTER

"""In a real browser: a member drafts a joint proposal (autosaved), a co-signer confirms on a phone, it is submitted."""

import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import axe_violations, login
from proposals.models import Proposal, Status
from proposals.tests.factories import session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_submits_a_joint_proposal_and_the_cosigner_confirms(page, phone_page, cast):
    session()
    login(page, "member", PASSWORD)
    page.goto(page.base_url + "/proposals/new/")
    page.check("input[name=kind][value=joint]")
    page.fill("#id_title", "关于推动区燃气公司搬迁的建议")
    page.fill("#id_case", "燃气公司位于居民区。")
    page.fill("#id_analysis", "管线老化，周边人口密集。")
    page.fill("#id_suggestions", "一、尽快选址搬迁。")
    page.fill("#id_cosigners", "member2")
    page.click("[data-testid=create]")
    page.wait_for_url("**/edit/")

    # Typing autosaves the draft (htmx) and bumps the version the form carries.
    page.fill("#id_suggestions", "一、尽快选址搬迁；二、加强管线巡查。")
    page.locator("[data-testid=autosave]").filter(has_text="已自动保存").wait_for()
    proposal = Proposal.objects.get()
    assert proposal.suggestions == "一、尽快选址搬迁；二、加强管线巡查。"
    assert page.input_value("#id_version") == str(proposal.version)

    page.click("[data-testid=invite]")
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    assert page.locator("[data-testid=state]").inner_text() == "联名确认中"

    # The co-signer confirms on a phone.
    login(phone_page, "member2", PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/proposals/{proposal.pk}/")
    phone_page.click("[data-testid=cosign-accept]")
    phone_page.wait_for_load_state("networkidle")
    assert "已确认" in phone_page.locator("[data-testid=signers]").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone_page) == []

    page.reload()
    page.click("button[data-action=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=state]").inner_text() == "已提交"
    assert "member2" in page.locator("[data-testid=proposers]").inner_text()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_liaison_replies_on_a_phone_and_a_missing_class_is_explained(phone_page, cast):
    from proposals.tests.factories import contact, in_progress, reply_classes

    reply_classes()
    proposal = in_progress(cast)
    contact(cast, proposal)
    login(phone_page, "liaison", PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/proposals/{proposal.pk}/")
    phone_page.fill("#id_body", "经研究，答复如下。")
    phone_page.fill("#id_signed_by", "局长")
    phone_page.fill("#id_contact_phone", "0592-7020001")
    phone_page.click("[data-testid=send-reply]")
    assert "请选择答复类别" in phone_page.content()
    assert phone_page.input_value("#id_body") == "经研究，答复如下。"
    phone_page.select_option("#id_reply_class", label="A类（已解决或采纳）")
    phone_page.click("[data-testid=send-reply]")
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("[data-testid=state]").inner_text() == "答复审核"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_proposing_unit_is_asked_only_for_a_collective_proposal_on_a_phone(phone_page, browser, cast):
    """At 390 px the unit fields of a 集体提案 show only once that kind is chosen (and the co-signers only
    for a 联名提案); without JavaScript every field is shown and the page still works."""
    session()
    sector = cast.member.member.sector  # the member speaks for his own sector (and party) only
    page = phone_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "member", PASSWORD)
    page.goto(page.base_url + "/proposals/new/")
    units, cosigners = page.locator("[data-testid=collective-units]"), page.locator("[data-testid=cosigners]")
    assert not units.is_visible() and not cosigners.is_visible()  # a personal proposal, the default
    page.check("input[name=kind][value=joint]")
    assert cosigners.is_visible() and not units.is_visible()
    page.check("input[name=kind][value=collective]")
    assert units.is_visible() and not cosigners.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("提案界别").select_option(str(sector.pk))
    page.fill("#id_title", "关于加快发展预制菜产业的建议")
    page.fill("#id_case", "本区食品企业较多。")
    page.fill("#id_analysis", "缺少统一标准。")
    page.fill("#id_suggestions", "一、制定地方标准。")
    page.click("[data-testid=create]")
    page.wait_for_url("**/edit/")
    proposal = Proposal.objects.get()
    assert proposal.kind == "collective" and proposal.org_sector == sector

    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        context.add_cookies(page.context.cookies())  # the member's session
        plain = context.new_page()
        plain.goto(page.base_url + "/proposals/new/")
        assert plain.locator("[data-testid=collective-units]").is_visible()
        assert plain.locator("[data-testid=cosigners]").is_visible()
    finally:
        context.close()


def _wait_until(page, done, *, timeout_ms: int = 10000) -> None:
    """Let the page run (and Playwright dispatch its routes) until done() holds."""
    for _ in range(timeout_ms // 100):
        if done():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def test_a_button_pressed_while_the_draft_autosaves_waits_for_the_autosave(page, cast):
    """保存并发起联名 clicked while the autosave of what the author just typed is on its way: the form is sent
    once the autosave has answered, with the version it gave, so the author's own autosave is not
    reported as someone else's edit (该内容已被…修改) and the co-signers are invited."""
    from proposals import services
    from proposals.tests.factories import ProposalFactory

    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(proposal=proposal, members=[cast.other_member.member], actor=cast.member)
    read_at = Proposal.objects.get(pk=proposal.pk).version
    login(page, "member", PASSWORD)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/edit/")

    # Every POST is held until released: the autosave first, then whatever the click sends.
    held, released = [], []

    def hold(route):
        if route.request.method == "POST" and not released:
            held.append(route)
        else:
            route.continue_()

    page.route("**/proposals/**", hold)
    page.fill("#id_case", "燃气公司位于居民区，周边有两所学校。")
    _wait_until(page, lambda: len(held) == 1)  # the autosave is on its way
    assert held[0].request.url.endswith("/autosave/")
    page.click("[data-testid=invite]", no_wait_after=True)
    page.wait_for_timeout(500)  # a form sent now, with the version read, would reach the server second
    released.append(True)
    autosave, *sent_meanwhile = held
    autosave.continue_()
    _wait_until(page, lambda: Proposal.objects.get(pk=proposal.pk).version > read_at)
    for route in sent_meanwhile:
        route.continue_()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    assert page.locator("[data-testid=state]").inner_text() == "联名确认中"
    assert "修改，您的修改尚未保存" not in page.content()
    proposal.refresh_from_db()
    assert proposal.status == Status.COSIGNING and proposal.case == "燃气公司位于居民区，周边有两所学校。"


def test_long_english_statuses_sit_under_the_titles_in_the_inbox_on_a_phone(phone_page, cast):
    """Long English statuses (Awaiting assignment, Adjustment requested) leave the titles the row's width."""
    from proposals.tests.factories import ProposalFactory

    for status in (Status.TO_ASSIGN, Status.RETURN_REQUESTED):
        ProposalFactory(
            status=status, author=cast.member, title="关于加快推进老旧小区加装电梯工作并完善后续维护机制的建议"
        )
    cast.clerk.language = "en"
    cast.clerk.save(update_fields=["language"])
    page = phone_page
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}/proposals/")
    rows = page.eval_on_selector_all(
        "[data-testid=inbox] li",
        """lis => lis.map(li => {
            const item = li.getBoundingClientRect(), title = li.querySelector('a').getBoundingClientRect();
            const badge = li.querySelector('.badge').getBoundingClientRect();
            return {item: item.width, title: title.width, badgeTop: badge.top, titleBottom: title.bottom,
                    badgeHeight: badge.height, badge: li.querySelector('.badge').innerText};
        })""",
    )
    assert len(rows) == 2, rows
    for row in rows:
        assert row["title"] > 0.8 * (row["item"] - 32), row  # the title has the row's width
        assert row["badgeTop"] >= row["titleBottom"] - 1 and row["badgeHeight"] < 40, row  # under it, not stretched
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

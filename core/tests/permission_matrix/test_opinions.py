"""社情民意: a member's report, received and edited by the information office, signed off by the
secretary-general or a vice-chair (the chair may too), published, reported up, instructed, fed back.

Domain (domain.md §3): members (or the office on a member's behalf, e.g. a proposal converted by the
proposal committee) submit; the information office does the editing and all the recording; the unit
a report was forwarded to records its own feedback, not another unit.
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import (
    INFO_OFFICE,
    LEADERS,
    OFFICE,
    ROLES,
    assert_api,
    assert_api_transition,
    assert_matrix,
    assert_pages,
    put_in,
)
from core.workflow import workflow_for

SIGNERS = {"secgen", "vice_chair", "chair"}
# A report written by `member`, forwarded (when it is) to `liaison`'s department.
OPINION_MATRIX = {
    "draft": {"submit": {"member", "proposal"} | INFO_OFFICE},
    "submitted": {"return": INFO_OFFICE, "receive": INFO_OFFICE},
    "received": {"sign_off": SIGNERS, "forward": INFO_OFFICE, "not_adopt": INFO_OFFICE},
    "signed": {"publish": INFO_OFFICE},
    "adopted_local": {"report_up": INFO_OFFICE, "record_instruction": INFO_OFFICE, "archive": INFO_OFFICE},
    "reported": {"record_adoption": INFO_OFFICE, "record_instruction": INFO_OFFICE, "archive": INFO_OFFICE},
    "adopted_upper": {"record_instruction": INFO_OFFICE, "archive": INFO_OFFICE},
    "instructed": {"record_instruction": INFO_OFFICE, "record_feedback": INFO_OFFICE},
    "forwarded": {"record_feedback": INFO_OFFICE | {"liaison"}},
    "feedback": {"archive": INFO_OFFICE},
    "not_adopted": {},
    "archived": {},
}
MATRICES = {"opinions.opinionreport": OPINION_MATRIX}


@pytest.fixture
def report(cast):
    from opinions.tests.factories import draft

    return draft(cast)


def forwarded_to_liaison(cast):
    """Only a report forwarded to a unit carries it (an instruction opens a supervision task instead)."""

    def prepare(report, state):
        report.forwarded_to = cast.liaison.department if state in ("forwarded", "feedback") else None
        report.save(update_fields=["forwarded_to"])

    return prepare


@pytest.mark.django_db
def test_opinion_matrix_own_report_and_forwarded_unit(cast, report):
    assert_matrix(workflow_for(report), report, cast, OPINION_MATRIX, prepare=forwarded_to_liaison(cast))


@pytest.mark.django_db
def test_another_members_report_is_not_theirs_to_submit(cast, report):
    from opinions.tests.factories import draft

    theirs = draft(cast, author=cast.other_member, title="关于老旧小区加装电梯的建议")
    assert [a.name for a in workflow_for(theirs).available(theirs, cast.member)] == []
    assert [a.name for a in workflow_for(theirs).available(theirs, cast.other_member)] == ["submit"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("member", True), ("other_member", False), ("liaison", False)])
def test_submitting_by_html_form_own_vs_other(client, cast, report, role, may):
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/opinions.opinionreport/{report.pk}/", {"action": "submit"})
    report.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert report.status == ("submitted" if may else "draft"), role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("liaison", 200), ("info", 200), ("other_liaison", 404), ("member", 403), ("clerk", 403)]
)
def test_recording_feedback_through_the_api_own_unit_vs_another(api_client, cast, report, role, status):
    report = put_in(report, "forwarded")
    forwarded_to_liaison(cast)(report, "forwarded")
    assert_api_transition(
        api_client,
        getattr(cast, role),
        report,
        url=f"/api/v1/reports/{report.pk}/transitions/",
        payload={"action": "record_feedback", "note": "已组织燃气公司搬迁选址论证。"},
        status=status,
        moves_to="feedback",
        stays_in="forwarded",
    )


@pytest.mark.django_db
def test_opinion_pages_and_api_per_role(client, api_client, cast, report):
    # A draft is its author's alone (the forwarded-to unit only sees it once it is forwarded).
    assert_pages(client, cast, detail=f"/opinions/{report.pk}/", listing=None, visible={"member"})
    put_in(report, "received")
    visible = OFFICE | LEADERS | {"member"}
    assert_pages(client, cast, detail=f"/opinions/{report.pk}/", listing=None, visible=visible)
    assert_api(api_client, cast, url=f"/api/v1/reports/{report.pk}/", visible=visible)


# The statistics per member and per submitting unit (信息统计) and their Excel export: the office side and the
# committee's leaders, who read the same figures in the annual report (/insight/report/); nobody else.
STATISTICS_READERS = OFFICE | LEADERS


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/opinions/stats/?year=2022", "/insight/export/opinion-stats.xlsx?year=2022"])
def test_who_reads_and_exports_the_opinion_statistics(client, cast, url):
    for role in ROLES:
        client.force_login(getattr(cast, role))
        assert client.get(url).status_code == (200 if role in STATISTICS_READERS else 404), role
        client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

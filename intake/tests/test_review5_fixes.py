"""Review 5: #3 the citizen's tracking code kept out of the merge notes the leaders read (page and API),
#4 the API's look at the citizen's contact details a POST kept by no cache."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from core.models import PersonalDataAccess, StatusChange
from intake import demo
from intake.models import Appeal, AppealStatus, Route
from intake.selectors import HIDDEN_CODE
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["chair", "vice_chair", "secgen"])
def test_a_leader_reads_no_tracking_code_in_a_merged_appeals_timeline_the_clerk_does(client, api_client, cast, role):
    main = AppealFactory(title="路口缺少红绿灯")
    duplicate = AppealFactory(title="十字路口没有红绿灯")
    # Merged on its page by a clerk who typed the main case's code, in the box and in the note (with the
    # appeal's own code, spaced, and a word shaped like a code).
    note = f"与 {main.tracking_code} 合并办理（{duplicate.tracking_code.replace('-', ' ')}；PARK LANE）"
    clerk = Client()
    clerk.force_login(cast.clerk)
    typed = main.tracking_code.lower().replace("-", "")
    response = clerk.post(f"/appeals/office/{duplicate.pk}/act/merge/", {"merge-into": typed, "merge-note": note})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == AppealStatus.MERGED and duplicate.merged_into_id == main.pk
    # The step names the main case by id, not by the code typed into the box.
    step = StatusChange.objects.get(object_id=duplicate.pk, action="merge")
    assert step.data == {"into": main.pk} and step.note == note
    codes = (main.tracking_code, duplicate.tracking_code, duplicate.tracking_code.replace("-", " "))
    named = f"与第{main.pk}号诉求“路口缺少红绿灯”合并办理"

    client.force_login(getattr(cast, role))
    page = client.get(f"/appeals/office/{duplicate.pk}/").content.decode()
    assert named in page and HIDDEN_CODE in page and "PARK LANE" in page
    assert not any(code in page for code in codes)
    api_client.force_authenticate(getattr(cast, role))
    history = api_client.get(f"/api/v1/appeals/{duplicate.pk}/history/")
    assert history.status_code == 200
    (merge,) = [e for e in history.json() if e.get("action") == "merge"]
    assert merge["action_label"] == named
    assert merge["note"] == f"与 {HIDDEN_CODE} 合并办理（{HIDDEN_CODE}；PARK LANE）"
    assert not any(code in history.content.decode() for code in codes)

    # The clerks, who give the codes to the citizens, still read the note as written.
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{duplicate.pk}/").content.decode()
    assert named in page and main.tracking_code in page and HIDDEN_CODE not in page
    api_client.force_authenticate(cast.clerk)
    (merge,) = [
        e for e in api_client.get(f"/api/v1/appeals/{duplicate.pk}/history/").json() if e.get("action") == "merge"
    ]
    assert merge["note"] == step.note and merge["action_label"] == named


def test_a_member_reads_the_code_of_an_appeal_routed_to_them_but_not_another_in_a_note(api_client, cast):
    from core.workflow import perform
    from grassroots.tests.factories import WorkstationFactory

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    own, other = AppealFactory(), AppealFactory()
    perform(own, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    note = f"与 {other.tracking_code} 同一问题，查询码 {own.tracking_code}"
    perform(own, "reroute", actor=cast.clerk, note=note, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    api_client.force_authenticate(cast.member)
    notes = [e["note"] for e in api_client.get(f"/api/v1/appeals/{own.pk}/history/").json() if e.get("note")]
    assert notes == [f"与 {HIDDEN_CODE} 同一问题，查询码 {own.tracking_code}"]


def test_the_demos_merge_notes_name_no_code_and_its_steps_name_the_main_case(cast):
    main = AppealFactory(status=AppealStatus.ROUTED, route=Route.OFFICE, title="村里公交班次太少")
    duplicate = AppealFactory(status=AppealStatus.MERGED, merged_into=main, title=main.title)
    for appeal in (main, duplicate):
        appeal._demo_created = timezone.now() - timedelta(days=3)
    demo._timeline([main, duplicate], cast.clerk)
    step = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=duplicate.pk, action="merge"
    )
    assert main.tracking_code not in step.note and duplicate.tracking_code not in step.note
    assert step.data == {"into": main.pk}


def test_the_merge_form_says_the_record_names_the_main_case(client, cast):
    appeal = AppealFactory()
    client.force_login(cast.clerk)
    assert "说明中无需填写查询码" in client.get(f"/appeals/office/{appeal.pk}/").content.decode()


# R5#4: the contact details over the API.


def test_the_contact_look_is_a_post_kept_by_no_cache_and_a_get_reveals_nothing(api_client, cast):
    appeal = AppealFactory()
    url = f"/api/v1/appeals/{appeal.pk}/contact/"
    api_client.force_authenticate(cast.clerk)
    assert api_client.get(url).status_code == 405
    assert not PersonalDataAccess.objects.exists()
    response = api_client.post(url)
    assert response.status_code == 200 and response.json()["contact_phone"] == "13912345678"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.has_header("Expires")
    assert PersonalDataAccess.objects.filter(user=cast.clerk).count() == 1


def test_a_session_call_to_the_contact_look_needs_the_csrf_token(cast):
    appeal = AppealFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.clerk)
    url = f"/api/v1/appeals/{appeal.pk}/contact/"
    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403
    assert not PersonalDataAccess.objects.exists()

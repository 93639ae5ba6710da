"""The citizen rates the handling of their closed appeal (群众评价): services, pages, the office's view."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from constance.test import override_config

from core.exceptions import Refused
from core.workflow import perform
from intake import services
from intake.models import Appeal, AppealRating, AppealStatus, Outcome, Route
from intake.predicates import TrackingCodeHolder
from intake.tests.factories import AppealFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def closed(clerk, **fields) -> Appeal:
    appeal = AppealFactory(**fields)
    perform(appeal, "route", actor=clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=clerk, note="已安排维修。")
    perform(appeal, "close", actor=clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})
    return appeal


def handle_again(appeal: Appeal, clerk) -> None:
    perform(appeal, "reopen", actor=clerk, note="群众反映仍未修好")
    perform(appeal, "answer", actor=clerk, note="已再次维修。")
    perform(appeal, "close", actor=clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})


def age(appeal: Appeal, days: int) -> None:
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=appeal.closed_at - timedelta(days=days))
    appeal.refresh_from_db()


# ---- services ------------------------------------------------------------------------------------


def test_the_code_holder_rates_once_per_round_and_again_after_re_handling(cast):
    appeal = closed(cast.clerk)
    holder = TrackingCodeHolder(appeal.pk)
    first = services.rate_appeal(appeal=appeal, actor=holder, rating="satisfied")
    assert (first.round, first.citizen, first.rater_label) == (1, None, "群众（凭查询码）")
    with pytest.raises(Refused, match="您已评价过本次办理结果"):
        services.rate_appeal(appeal=appeal, actor=holder, rating="unsatisfied", comment="改主意了")
    handle_again(appeal, cast.clerk)
    second = services.rate_appeal(appeal=appeal, actor=holder, rating="basic")
    assert list(appeal.ratings.values_list("round", "rating")) == [(1, "satisfied"), (2, "basic")]
    assert second.history.get().history_type == "+"


def test_a_second_tap_that_slips_past_the_check_is_refused_not_a_500(cast, monkeypatch):
    """SQLite takes no row lock: two taps may both pass the check; the unique round refuses the second."""
    from intake import selectors

    appeal = closed(cast.clerk)
    services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="satisfied")
    monkeypatch.setattr(selectors, "rating_blocker", lambda *args, **kwargs: "")
    with pytest.raises(Refused, match="您已评价过本次办理结果"):
        services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="basic")
    assert list(appeal.ratings.values_list("rating", flat=True)) == ["satisfied"]


def test_rating_waits_for_the_appeal_to_be_closed(cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已答复")
    with pytest.raises(Refused, match="诉求办结后才能评价"):
        services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="satisfied")


def test_after_the_window_the_rating_is_refused_in_plain_words(cast):
    appeal = closed(cast.clerk)
    with override_config(APPEAL_RATING_DAYS=3):
        age(appeal, 4)
        with pytest.raises(Refused, match="评价期限已过：办结后3天内可以评价"):
            services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="satisfied")
        age(appeal, -2)  # closed two days ago: still open
        services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="satisfied")


def test_unsatisfied_needs_a_reason_and_a_choice_is_required(cast):
    appeal = closed(cast.clerk)
    holder = TrackingCodeHolder(appeal.pk)
    with pytest.raises(Refused, match="选择“不满意”时请写明原因") as refused:
        services.rate_appeal(appeal=appeal, actor=holder, rating="unsatisfied", comment="   ")
    assert "comment" in refused.value.fields
    with pytest.raises(Refused, match="请选择满意、基本满意或不满意"):
        services.rate_appeal(appeal=appeal, actor=holder, rating="great")
    assert not AppealRating.objects.exists()


def test_an_appeal_sent_from_an_account_is_rated_only_by_that_account(cast):
    from accounts.services import create_user

    other = create_user(username="neighbour", password="x", roles=["citizen"])
    appeal = closed(cast.clerk, citizen=cast.citizen)
    for stranger in (other, TrackingCodeHolder(appeal.pk), cast.clerk):
        with pytest.raises(Refused):
            services.rate_appeal(appeal=appeal, actor=stranger, rating="satisfied")
    row = services.rate_appeal(appeal=appeal, actor=cast.citizen, rating="basic")
    assert row.citizen == cast.citizen and row.rater_label == cast.citizen.display
    assert row.history.get().history_user == cast.citizen


def test_staff_never_rate_for_the_citizen(cast):
    appeal = closed(cast.clerk)
    with pytest.raises(Refused, match="工作人员不能代为评价"):
        services.rate_appeal(appeal=appeal, actor=cast.clerk, rating="satisfied")


def test_unsatisfied_tells_whoever_may_reopen_and_leaves_the_decision_to_them(cast, django_capture_on_commit_callbacks):
    appeal = closed(cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_appeal(
            appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="unsatisfied", comment="路灯又坏了"
        )
    told = Notification.objects.filter(event_key__startswith="intake.unsatisfied:")
    # Reopening is the office clerks' (review 4 #8: the research, proposals and information offices
    # do not handle appeals).
    assert {n.recipient for n in told} == {cast.admin, cast.clerk}
    assert "路灯又坏了" in told.first().body and "群众对诉求办理结果不满意" in told.first().title
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED


def test_a_satisfied_rating_is_only_recorded(cast, django_capture_on_commit_callbacks):
    appeal = closed(cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="satisfied")
    assert not Notification.objects.filter(event_key__startswith="intake.unsatisfied:").exists()


# ---- the tracking page ---------------------------------------------------------------------------


def test_the_page_offers_the_rating_once_closed_and_keeps_the_reason_on_error(client, cast):
    appeal = closed(cast.clerk)
    url = f"/appeals/track/{appeal.tracking_code}/"
    assert 'data-testid="rating-form"' in client.get(url).content.decode()
    response = client.post(url, {"op": "rate", "rating": "unsatisfied", "comment": ""})
    assert response.status_code == 400 and "选择“不满意”时请写明原因" in response.content.decode()
    response = client.post(url, {"op": "rate", "comment": "路灯还是不亮，晚上很黑"})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择满意、基本满意或不满意" in html
    assert "路灯还是不亮，晚上很黑" in html
    response = client.post(url, {"op": "rate", "rating": "unsatisfied", "comment": "路灯还是不亮，晚上很黑"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="rating-done"' in page and "不满意" in page and 'data-testid="rating-form"' not in page


def test_a_wrong_code_rates_nothing(client, cast):
    closed(cast.clerk)
    response = client.post("/appeals/track/ZZZZ-ZZZZ/", {"op": "rate", "rating": "satisfied"})
    assert response.status_code == 404 and not AppealRating.objects.exists()


def test_the_page_says_when_the_window_has_closed(client, cast):
    appeal = closed(cast.clerk)
    age(appeal, 16)
    page = client.get(f"/appeals/track/{appeal.tracking_code}/").content.decode()
    assert "评价期限已过：办结后15天内可以评价" in page and 'data-testid="rating-form"' not in page
    response = client.post(f"/appeals/track/{appeal.tracking_code}/", {"op": "rate", "rating": "basic"})
    assert response.status_code == 400 and "评价期限已过" in response.content.decode()
    assert not AppealRating.objects.exists()


def test_nothing_is_offered_before_closing(client):
    page = client.get(f"/appeals/track/{AppealFactory().tracking_code}/").content.decode()
    assert 'data-testid="rating"' not in page


def test_the_signed_in_sender_rates_on_their_page_and_others_are_told_to_sign_in(client, cast):
    appeal = closed(cast.clerk, citizen=cast.citizen)
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    assert "请登录该账号后评价" in page and 'data-testid="rating-form"' not in page
    client.force_login(cast.citizen)
    assert client.post(url, {"op": "rate", "rating": "satisfied"}).status_code == 302
    assert AppealRating.objects.get().citizen == cast.citizen


def test_rating_over_the_rate_limit_keeps_what_was_typed(client, cast):
    appeal = closed(cast.clerk)
    url = f"/appeals/track/{appeal.tracking_code}/"
    # The limit counts per fixed minute: the clock stands still so that the 31 requests cannot straddle two.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):
        for _i in range(30):
            client.get(url)
        response = client.post(url, {"op": "rate", "rating": "unsatisfied", "comment": "还是没修好"})
    html = response.content.decode()
    assert response.status_code == 429 and "太频繁" in html and "还是没修好" in html
    assert not AppealRating.objects.exists()


def test_the_rating_post_needs_the_csrf_token(cast):
    from django.test import Client

    appeal = closed(cast.clerk)
    response = Client(enforce_csrf_checks=True).post(
        f"/appeals/track/{appeal.tracking_code}/", {"op": "rate", "rating": "satisfied"}
    )
    assert response.status_code == 403 and not AppealRating.objects.exists()


# ---- the office ----------------------------------------------------------------------------------


def test_the_office_list_filters_and_flags_unsatisfied_appeals_by_their_latest_round(client, cast):
    unhappy, happy, later_happy = closed(cast.clerk), closed(cast.clerk), closed(cast.clerk)
    services.rate_appeal(appeal=unhappy, actor=TrackingCodeHolder(unhappy.pk), rating="unsatisfied", comment="没修")
    services.rate_appeal(appeal=happy, actor=TrackingCodeHolder(happy.pk), rating="satisfied")
    services.rate_appeal(
        appeal=later_happy, actor=TrackingCodeHolder(later_happy.pk), rating="unsatisfied", comment="没修"
    )
    handle_again(later_happy, cast.clerk)
    services.rate_appeal(appeal=later_happy, actor=TrackingCodeHolder(later_happy.pk), rating="satisfied")
    client.force_login(cast.clerk)
    response = client.get("/appeals/office/", {"rating": "unsatisfied"})
    assert [a.pk for a in response.context["page"]] == [unhappy.pk]
    assert 'data-testid="unsatisfied"' in response.content.decode() and "群众不满意" in response.content.decode()
    shown = client.get("/appeals/office/", {"rating": "satisfied"}).context["page"]
    assert {a.pk for a in shown} == {happy.pk, later_happy.pk}
    assert client.get("/appeals/office/", {"rating": "nonsense"}).status_code == 200


def test_the_office_list_reads_ratings_in_one_query(client, cast, django_assert_max_num_queries):
    client.force_login(cast.clerk)
    first = closed(cast.clerk)
    services.rate_appeal(appeal=first, actor=TrackingCodeHolder(first.pk), rating="basic")
    with django_assert_max_num_queries(14) as few:
        client.get("/appeals/office/")
    for _i in range(5):
        appeal = closed(cast.clerk)
        services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="unsatisfied", comment="差")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/appeals/office/").status_code == 200


def test_the_office_page_shows_each_rating_with_who_rated_and_the_decision_is_theirs(client, cast):
    appeal = closed(cast.clerk)
    services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="unsatisfied", comment="没修好")
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert 'data-testid="ratings"' in page and "群众（凭查询码）" in page and "没修好" in page
    assert 'data-testid="reopen-hint"' in page and 'data-action="reopen"' in page


def test_the_api_shows_the_latest_rating_read_only(api_client, cast, django_assert_max_num_queries):
    appeal = closed(cast.clerk)
    services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="unsatisfied", comment="没修好")
    api_client.force_authenticate(cast.clerk)
    body = api_client.get(f"/api/v1/appeals/{appeal.pk}/").json()
    assert body["rating"]["rating"] == "unsatisfied" and body["rating"]["round"] == 1
    assert body["rating"]["comment"] == "没修好"
    listed = api_client.get("/api/v1/appeals/").json()
    assert [row["rating"] for row in listed["results"]][0]["rating"] == "unsatisfied"
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/v1/appeals/")
    for _i in range(4):
        closed(cast.clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        api_client.get("/api/v1/appeals/")


# ---- appeals merged into a main case -------------------------------------------------------------


def merged_into(main: Appeal, clerk, **fields) -> Appeal:
    """A duplicate appeal merged into `main` (by the office, as on the appeal's page)."""
    duplicate = AppealFactory(**fields)
    services.merge_appeals(duplicate=duplicate, into=main, actor=clerk)
    duplicate.refresh_from_db()
    return duplicate


def routed(clerk) -> Appeal:
    appeal = AppealFactory()
    perform(appeal, "route", actor=clerk, data={"route": Route.OFFICE})
    return appeal


def close(appeal: Appeal, clerk) -> None:
    perform(appeal, "answer", actor=clerk, note="已安排维修。")
    perform(appeal, "close", actor=clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})
    appeal.refresh_from_db()


def test_a_merged_citizen_rates_once_the_main_case_is_closed_on_their_own_page(client, cast):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    url = f"/appeals/track/{duplicate.tracking_code}/"
    assert 'data-testid="rating"' not in client.get(url).content.decode()
    with pytest.raises(Refused, match="诉求办结后才能评价"):
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
    close(main, cast.clerk)
    page = client.get(url).content.decode()
    assert 'data-testid="merged-note"' in page and "已安排维修。" in page and "当场解决" in page
    assert 'data-testid="rating-form"' in page
    assert client.post(url, {"op": "rate", "rating": "basic", "comment": "修得有点慢"}).status_code == 302
    row = AppealRating.objects.get()
    assert (row.appeal, row.round, row.rating, row.comment) == (duplicate, 1, "basic", "修得有点慢")
    assert row.history.get().history_type == "+"
    page = client.get(url).content.decode()
    assert 'data-testid="rating-done"' in page and 'data-testid="rating-form"' not in page
    duplicate.refresh_from_db()
    assert duplicate.status == AppealStatus.MERGED  # the rating changes nothing in the handling


def test_each_citizen_of_a_merged_case_rates_once_on_their_own_appeal(cast):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    close(main, cast.clerk)
    # One code rates only its own appeal: the main case's code holder is not the merged citizen.
    with pytest.raises(Refused, match="只能由诉求人本人评价"):
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(main.pk), rating="satisfied")
    services.rate_appeal(appeal=main, actor=TrackingCodeHolder(main.pk), rating="satisfied")
    services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="unsatisfied", comment="没修")
    with pytest.raises(Refused, match="您已评价过本次办理结果"):
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
    assert sorted(AppealRating.objects.values_list("appeal_id", "round", "rating")) == sorted(
        [(main.pk, 1, "satisfied"), (duplicate.pk, 1, "unsatisfied")]
    )


def test_a_merged_citizen_with_an_account_hears_of_the_answer_and_the_closing_about_their_own_appeal(
    client, cast, django_capture_on_commit_callbacks
):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk, citizen=cast.citizen, title="同安大道路灯不亮")
    from django.urls import reverse

    from accounts.roles import Role
    from accounts.tests.factories import UserFactory

    gone = UserFactory(username="citizen2", roles=[Role.CITIZEN])
    withdrawn = merged_into(main, cast.clerk, citizen=gone)
    Appeal.objects.filter(pk=withdrawn.pk).update(status=AppealStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        close(main, cast.clerk)
    notes = Notification.objects.filter(recipient=cast.citizen).order_by("pk")
    assert [n.object_id for n in notes] == [duplicate.pk, duplicate.pk]
    assert all("同安大道路灯不亮" in n.title for n in notes)
    assert "已答复" in notes[0].title and "已办结" in notes[1].title
    assert notes[0].body == "已安排维修。"
    client.force_login(cast.citizen)
    assert not Notification.objects.filter(recipient=gone).exists()  # withdrew: no longer follows the case
    opened = client.get(reverse("notifications:open", args=[notes[0].pk]), follow=True)
    assert opened.redirect_chain[-1][0] == reverse("intake:track-detail", args=[duplicate.tracking_code])


def test_a_merged_appeal_sent_from_an_account_is_rated_by_that_account_only(client, cast):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk, citizen=cast.citizen)
    close(main, cast.clerk)
    with pytest.raises(Refused, match="请登录该账号后评价"):
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
    client.force_login(cast.citizen)
    url = f"/appeals/track/{duplicate.tracking_code}/"
    assert client.post(url, {"op": "rate", "rating": "satisfied"}).status_code == 302
    assert AppealRating.objects.get().citizen == cast.citizen


def test_the_merged_citizens_window_runs_from_the_main_cases_closing(cast):
    from core.models import StatusChange

    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    # Merged a month ago, before the main case was closed.
    StatusChange.objects.filter(object_id=duplicate.pk, action="merge").update(
        created_at=duplicate.created_at - timedelta(days=30)
    )
    close(main, cast.clerk)
    with override_config(APPEAL_RATING_DAYS=3):
        age(main, 4)
        with pytest.raises(Refused, match="评价期限已过：办结后3天内可以评价"):
            services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
        age(main, -2)  # the main case closed two days ago: still open
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")


def test_the_rating_panel_of_a_merged_appeal_reads_its_merge_date_once(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intake.selectors import citizen_rating

    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    close(main, cast.clerk)
    with CaptureQueriesContext(connection) as queries:
        panel = citizen_rating(duplicate, TrackingCodeHolder(duplicate.pk), case=main)
    assert panel["may"] and panel["deadline"] is not None
    merge_reads = [q for q in queries.captured_queries if "core_statuschange" in q["sql"] and "'merge'" in q["sql"]]
    assert len(merge_reads) == 1


def test_an_appeal_merged_into_a_case_closed_long_ago_is_rated_from_the_merge(cast):
    """Merging into a closed case is refused now (R4#2); appeals merged that way before (and the demo's
    history) are still rated from the merge."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from core.models import StatusChange

    main = closed(cast.clerk)
    with override_config(APPEAL_RATING_DAYS=3):
        age(main, 10)
        with pytest.raises(Refused, match="单独办理"):
            merged_into(main, cast.clerk)
        late = AppealFactory(status=AppealStatus.MERGED, merged_into=main)
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(Appeal),
            object_id=late.pk,
            action="merge",
            from_state="received",
            to_state="merged",
            actor=cast.clerk,
            created_at=timezone.now(),
        )
        with pytest.raises(Refused, match="评价期限已过"):
            services.rate_appeal(appeal=main, actor=TrackingCodeHolder(main.pk), rating="satisfied")
        row = services.rate_appeal(appeal=late, actor=TrackingCodeHolder(late.pk), rating="satisfied")
    assert row.appeal == late


def test_after_the_main_case_is_handled_again_the_merged_citizen_rates_the_new_round(client, cast):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    close(main, cast.clerk)
    services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="unsatisfied", comment="没修")
    perform(main, "reopen", actor=cast.clerk, note="群众反映仍未修好")
    url = f"/appeals/track/{duplicate.tracking_code}/"
    assert 'data-testid="rating"' not in client.get(url).content.decode()
    close(main, cast.clerk)
    page = client.get(url).content.decode()
    assert "第1次办理的评价：不满意" in page and 'data-testid="rating-form"' in page
    services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
    assert list(duplicate.ratings.values_list("round", "rating")) == [(1, "unsatisfied"), (2, "satisfied")]


def test_a_merged_appeal_the_citizen_withdrew_is_not_rated(client, cast):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    services.withdraw_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk))
    close(main, cast.clerk)
    assert 'data-testid="rating"' not in client.get(f"/appeals/track/{duplicate.tracking_code}/").content.decode()
    with pytest.raises(Refused, match="诉求办结后才能评价"):
        services.rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="satisfied")
    assert not AppealRating.objects.exists()


def test_a_merged_citizens_unsatisfied_reaches_the_office_on_the_main_case(
    client, cast, django_capture_on_commit_callbacks
):
    main = routed(cast.clerk)
    duplicate = merged_into(main, cast.clerk)
    close(main, cast.clerk)
    services.rate_appeal(appeal=main, actor=TrackingCodeHolder(main.pk), rating="satisfied")
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_appeal(
            appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="unsatisfied", comment="西门的灯没修"
        )
    note = Notification.objects.get(recipient=cast.clerk, event_key__startswith="intake.unsatisfied:")
    assert note.url == main.get_absolute_url() and "西门的灯没修" in note.body
    client.force_login(cast.clerk)
    page = client.get(main.get_absolute_url()).content.decode()
    ratings = page.split('data-testid="ratings"')[1].split("</section>")[0]
    assert "满意" in ratings and "西门的灯没修" in ratings and duplicate.tracking_code in ratings
    # One unhappy citizen is enough for the office to consider handling the case again.
    assert 'data-testid="reopen-hint"' in page


def test_the_reopen_hint_is_for_the_current_round_only(client, cast):
    appeal = closed(cast.clerk)
    services.rate_appeal(appeal=appeal, actor=TrackingCodeHolder(appeal.pk), rating="unsatisfied", comment="没修")
    handle_again(appeal, cast.clerk)
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "没修" in page and 'data-testid="reopen-hint"' not in page

"""A plan item and its research group (review of the 2027 plan, #5, #6, #9): one rule for who leads a topic,
the group form filled in from the item, one working group per item, and where a decliner lands."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import selectors, services
from consultations.forms import GroupForm
from consultations.models import GroupStatus, ResearchGroup
from consultations.tests.factories import research_group
from core.exceptions import Refused
from district.tests.factories import BodyFactory, ExpertFactory
from topics.forms import ItemForm
from topics.models import PlanStatus
from topics.services import plan as plan_services
from topics.tests.factories import ItemFactory, PlanFactory, fmt

pytestmark = pytest.mark.django_db


def _value(item) -> str:
    return f"{ContentType.objects.get_for_model(item).pk}:{item.pk}"


def _create_url(item) -> str:
    return reverse("consultations:group_create") + f"?subject={_value(item)}"


# ---- #5: whoever may lead a plan item may lead its research group, and no one else


def test_the_plan_item_form_and_the_group_form_offer_the_same_leads(cast):
    plan = PlanFactory(year=2027, created_by=cast.clerk)
    item_leads = set(ItemForm(plan=plan).fields["lead_member"].queryset)
    group_leads = set(GroupForm().fields["lead"].queryset)
    assert item_leads == group_leads
    assert {cast.chair.member, cast.vice_chair.member} <= group_leads
    assert cast.secgen.member not in item_leads  # the 秘书长 leads neither


def test_a_secretary_general_is_refused_as_the_lead_of_a_plan_item_and_of_a_group(cast):
    plan = PlanFactory(year=2027, created_by=cast.clerk)
    with pytest.raises(ValidationError) as err:
        plan_services.add_item(
            plan=plan,
            actor=cast.clerk,
            title="推进乡村振兴农田水利设施建设",
            format=fmt(),
            lead_member=cast.secgen.member,
        )
    assert "lead_member" in err.value.message_dict
    with pytest.raises(Refused):
        services.create_research_group(title="课题", year=2027, lead=cast.secgen.member, actor=cast.research)
    # The vice-chair the plan accepts leads the group too.
    item = plan_services.add_item(
        plan=plan, actor=cast.clerk, title="提升基层医疗服务能力", format=fmt(), lead_member=cast.vice_chair.member
    )
    group = services.create_research_group(
        title=item.title, year=2027, lead=item.lead_member, actor=cast.research, subject=item
    )
    assert group.lead == cast.vice_chair.member


def test_the_group_form_opened_from_a_plan_item_is_filled_in_from_it(client, cast):
    body = BodyFactory(name="教科卫体委员会")
    item = ItemFactory(
        plan=PlanFactory(year=2027), title="提升基层医疗服务能力", lead_member=cast.vice_chair.member, lead_body=body
    )
    client.force_login(cast.research)
    response = client.get(_create_url(item))
    initial = response.context["form"].initial
    assert (initial["title"], initial["year"], initial["lead"], initial["body"]) == (
        "提升基层医疗服务能力",
        2027,
        cast.vice_chair.member,
        body,
    )
    html = response.content.decode()
    assert 'value="提升基层医疗服务能力"' in html
    assert f'<option value="{cast.vice_chair.member.pk}" selected>' in html
    assert f'<option value="{body.pk}" selected>' in html
    # Posting what was filled in forms the group for the item.
    data = {
        "title": initial["title"],
        "year": 2027,
        "lead": cast.vice_chair.member.pk,
        "body": body.pk,
        "subject": _value(item),
    }
    assert client.post(reverse("consultations:group_create"), data).status_code == 302
    assert selectors.research_group_for(item).lead == cast.vice_chair.member


def test_an_item_lead_outside_the_rule_is_not_filled_in(client, cast):
    # An item saved before the rule (a 秘书长 as its lead): the clerk chooses the group's lead.
    item = ItemFactory(
        plan=PlanFactory(year=2027), title="推进乡村振兴农田水利设施建设", lead_member=cast.secgen.member
    )
    client.force_login(cast.research)
    initial = client.get(_create_url(item)).context["form"].initial
    assert initial["title"] == "推进乡村振兴农田水利设施建设" and "lead" not in initial


# ---- #6: one working group per plan item; the overview links the working one


def _item_with_group(cast, *, status=GroupStatus.RESEARCHING):
    item = ItemFactory(plan=PlanFactory(year=2027), title="提升基层医疗服务能力", lead_member=cast.vice_chair.member)
    group = services.create_research_group(
        title="提升基层医疗服务能力课题组", year=2027, lead=cast.vice_chair.member, actor=cast.research, subject=item
    )
    ResearchGroup.objects.filter(pk=group.pk).update(status=status)
    group.refresh_from_db()
    return item, group


def test_a_second_working_group_for_a_plan_item_is_refused_naming_the_first(client, cast):
    item, first = _item_with_group(cast)
    with pytest.raises(Refused) as err:
        services.create_research_group(
            title="另一个课题组", year=2027, lead=cast.chair.member, actor=cast.research, subject=item
        )
    assert "已有课题组“提升基层医疗服务能力课题组”（调研中" in str(err.value.message)

    # The form says so beside the item, and the refusal keeps what was typed and links the group.
    label = dict(GroupForm().fields["subject"].choices)[_value(item)]
    assert label == "2027年度 · 提升基层医疗服务能力（已有课题组“提升基层医疗服务能力课题组”，调研中）"
    client.force_login(cast.research)
    data = {"title": "另一个课题组", "year": 2027, "lead": cast.chair.member.pk, "subject": _value(item)}
    response = client.post(reverse("consultations:group_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "同一事项只能有一个工作中的课题组" in html
    assert f'href="{first.get_absolute_url()}"' in html
    assert 'value="另一个课题组"' in html
    assert list(ResearchGroup.objects.filter(subject_id=item.pk)) == [first]


@pytest.mark.parametrize("ended", [GroupStatus.CANCELLED, GroupStatus.CONCLUDED])
def test_a_cancelled_or_concluded_group_does_not_block_a_new_one(cast, ended):
    item, old = _item_with_group(cast, status=ended)
    label = dict(GroupForm().fields["subject"].choices)[_value(item)]
    assert label == "2027年度 · 提升基层医疗服务能力"
    new = services.create_research_group(
        title="重新组建", year=2027, lead=cast.chair.member, actor=cast.research, subject=item
    )
    # The item's group is the new, working one, on the overview and on its topic page alike.
    assert selectors.research_group_for(item) == new
    assert selectors.research_groups_on([item])[item.pk] == new
    ct = ContentType.objects.get_for_model(item)
    assert selectors.topic_group_for(cast.research, ct.pk, item.pk) == new
    assert old != new


def test_the_overview_links_the_working_group_not_the_newest(client, cast):
    """Two groups on one item from before the rule: the researching one is the item's group, not the
    newer one still forming (nor, once that is all there is, a newer concluded or cancelled one)."""
    item, working = _item_with_group(cast)
    item.plan.status = PlanStatus.PUBLISHED
    item.plan.save(update_fields=["status"])
    newer = ResearchGroup.objects.create(
        subject=item, title="新组建的课题组", year=2027, lead=cast.chair.member, created_by=cast.research
    )
    assert newer.status == GroupStatus.FORMING and newer.pk > working.pk
    assert selectors.research_groups_on([item])[item.pk] == working
    assert selectors.research_group_for(item) == working
    client.force_login(cast.clerk)
    page = client.get(reverse("topics:overview") + "?year=2027").content.decode()
    assert f'href="{working.get_absolute_url()}"' in page
    assert f'href="{newer.get_absolute_url()}"' not in page
    ct = ContentType.objects.get_for_model(item)
    topic = client.get(reverse("consultations:topic", args=[ct.pk, item.pk]))
    assert topic.url == working.get_absolute_url()

    ResearchGroup.objects.filter(pk=working.pk).update(status=GroupStatus.CONCLUDED)
    ResearchGroup.objects.filter(pk=newer.pk).update(status=GroupStatus.CANCELLED)
    assert selectors.research_groups_on([item])[item.pk] == working
    assert client.get(reverse("consultations:topic", args=[ct.pk, item.pk])).url == working.get_absolute_url()


# ---- #9: a decliner lands where their invitations are listed, not on a page they may no longer open


def test_an_expert_who_declines_lands_on_their_work_list_with_the_confirmation(client, cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    expert = ExpertFactory(user=cast.expert, name="陈秀")
    services.invite_to_group(group=group, actor=cast.research, expert=expert)
    client.force_login(cast.expert)
    url = reverse("consultations:group_respond", args=[group.pk])
    response = client.post(url, {"accept": "0", "reason": "近期在外地讲学"}, follow=True)
    assert response.redirect_chain == [(reverse("core:dashboard"), 302)]
    assert response.status_code == 200
    assert f"您已谢绝参加课题组“{group.title}”。" in response.content.decode()
    assert client.get(group.get_absolute_url()).status_code == 404  # why not the group page


def test_an_invitee_who_accepts_goes_on_to_the_group(client, cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    client.force_login(cast.other_member)
    url = reverse("consultations:group_respond", args=[group.pk])
    response = client.post(url, {"accept": "1", "reason": ""}, follow=True)
    assert response.redirect_chain == [(group.get_absolute_url(), 302)]
    assert f"您已接受邀请，加入课题组“{group.title}”。" in response.content.decode()

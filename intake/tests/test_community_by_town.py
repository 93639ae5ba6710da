"""Review 4 #12: the 社区/村 list of the appeal forms is grouped by 镇街 on the server (an <optgroup>
per town, each option naming its town), and a small script offers only the chosen town's group."""

import re

import pytest

from district.tests.factories import CommunityFactory, TownFactory

pytestmark = pytest.mark.django_db


def _community_select(html: str) -> str:
    return re.search(r'<select name="community".*?</select>', html, re.S).group(0)


def _groups(select: str) -> dict[str, list[tuple[str, str]]]:
    """{group label: [(data-town, option text)]} of a rendered <select>."""
    out = {}
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S):
        out[label] = re.findall(r'<option value="\d+"[^>]*data-town="(\d+)"[^>]*>([^<]*)</option>', body)
    return out


@pytest.fixture
def towns():
    xinmin = TownFactory(name="新民镇", order=2)
    datong = TownFactory(name="大同街道", order=1)
    CommunityFactory(name="梧侣村", town=xinmin)
    CommunityFactory(name="南安社区", town=xinmin)
    CommunityFactory(name="南安社区", town=datong)
    return xinmin, datong


def test_the_public_form_groups_communities_by_town(client, towns):
    xinmin, datong = towns
    html = client.get("/appeals/").content.decode()
    select = _community_select(html)
    assert 'data-town-field="town"' in select
    # The empty choice first, outside any group; then one group per town, in the towns' order.
    assert re.search(r'<select[^>]*>\s*<option value=""[^>]*>不确定/不选择</option>\s*<optgroup', select)
    groups = _groups(select)
    assert list(groups) == ["大同街道", "新民镇"]
    assert groups["大同街道"] == [(str(datong.pk), "南安社区")]
    assert groups["新民镇"] == [(str(xinmin.pk), "南安社区"), (str(xinmin.pk), "梧侣村")]
    assert 'src="/static/js/community-by-town.js"' in html


def test_a_chosen_community_stays_chosen_in_its_group_after_an_error(client, towns):
    xinmin, datong = towns
    other_town = datong.communities.get()
    response = client.post(
        "/appeals/", {"title": "路灯不亮", "body": "", "town": xinmin.pk, "community": other_town.pk}
    )
    assert response.status_code == 400
    select = _community_select(response.content.decode())
    assert re.search(rf'<option value="{other_town.pk}"[^>]*selected', select)


def test_the_staff_form_groups_them_too_and_the_choice_is_saved(client, cast, towns):
    from intake.models import Appeal

    xinmin, _datong = towns
    client.force_login(cast.clerk)
    select = _community_select(client.get("/appeals/office/new/").content.decode())
    assert list(_groups(select)) == ["大同街道", "新民镇"]
    wuli = xinmin.communities.get(name="梧侣村")
    response = client.post(
        "/appeals/office/new/",
        {"channel": "phone", "title": "路灯不亮", "body": "村口路灯不亮。", "town": xinmin.pk, "community": wuli.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Appeal.objects.get().community == wuli


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_script_offers_only_the_chosen_towns_group(phone_page):
    xinmin = TownFactory(name="新民镇", order=2)
    datong = TownFactory(name="大同街道", order=1)
    wuli = CommunityFactory(name="梧侣村", town=xinmin)
    CommunityFactory(name="南安社区", town=datong)
    page = phone_page
    page.goto(page.base_url + "/appeals/")
    hidden = "Array.from(document.querySelectorAll('#id_community optgroup')).filter(g => g.hidden).map(g => g.label)"
    assert page.evaluate(hidden) == []  # no town chosen yet: every group
    page.select_option("#id_town", label="新民镇")
    assert page.evaluate(hidden) == ["大同街道"]
    page.select_option("#id_community", value=str(wuli.pk))
    page.select_option("#id_town", label="大同街道")
    assert page.evaluate(hidden) == ["新民镇"]
    assert page.input_value("#id_community") == ""  # a community of the other town is cleared

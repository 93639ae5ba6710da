"""Reviewers' findings on Open311: a community given by a name several towns share."""

import pytest

from intake.models import Appeal
from intake.tests.factories import AppealCategoryFactory
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return make_client(name="12345热线对接")[1]


@pytest.fixture
def category():
    return AppealCategoryFactory(code="urban", name="城市管理", department=None)


def _file(client, key, category, **attributes):
    data = {"api_key": key, "service_code": category.code, "description": "南安社区路灯不亮", **attributes}
    return client.post("/open311/v2/requests.json", data)


def test_an_ambiguous_community_name_is_a_400_asking_for_the_key_or_the_town(client, key, category):
    from district.models import Community, Town

    datong, xinmin = Town.objects.create(name="大同街道"), Town.objects.create(name="新民镇")
    Community.objects.create(town=datong, name="南安社区")
    wanted = Community.objects.create(town=xinmin, name="南安社区")
    response = _file(client, key, category, **{"attribute[community]": "南安社区"})
    assert response.status_code == 400
    [error] = response.json()
    assert error["description"].startswith("attribute[community]") and "南安社区" in error["description"]
    assert "attribute[town]" in error["description"]
    assert not Appeal.objects.exists()
    # With the town (or the key) the name is enough.
    response = _file(client, key, category, **{"attribute[community]": "南安社区", "attribute[town]": "新民镇"})
    assert response.status_code == 201
    assert Appeal.objects.get().community == wanted
    response = _file(client, key, category, **{"attribute[community]": str(wanted.pk)})
    assert response.status_code == 201


def test_a_unique_community_name_is_still_accepted(client, key, category):
    from district.models import Community, Town

    town = Town.objects.create(name="西柯街道")
    community = Community.objects.create(town=town, name="柑岭村")
    assert _file(client, key, category, **{"attribute[community]": "柑岭村"}).status_code == 201
    appeal = Appeal.objects.get()
    assert (appeal.community, appeal.town) == (community, town)

"""Review 8 #2: a community name copied from the service definition is accepted; #8: the filing client
reads back the description it sent, not the platform's added lines."""

import pytest

from district.models import Community, Town
from intake.models import Appeal
from intake.tests.factories import AppealCategoryFactory
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def category():
    return AppealCategoryFactory(code="urban", name="城市管理", department=None)


def _post(client, key, **fields):
    data = {"api_key": key, "service_code": "urban", "description": "路灯不亮", **fields}
    return client.post(f"{BASE}/requests.json", data)


def test_the_community_name_the_definition_lists_is_accepted(client, category):
    _app, key = make_client()
    town = Town.objects.create(name="大同街道")
    other = Town.objects.create(name="新民镇")
    community = Community.objects.create(town=town, name="南安社区")
    Community.objects.create(town=other, name="南安社区")
    values = client.get(f"{BASE}/services/urban.json").json()["attributes"][1]["values"]
    listed = next(v["name"] for v in values if v["key"] == str(community.pk))
    assert listed == "大同街道南安社区"
    for fields in (
        {"attribute[community]": listed},
        {"attribute[town]": "大同街道", "attribute[community]": listed},
        {"attribute[town]": "大同街道", "attribute[community]": "南安社区"},
    ):
        response = _post(client, key, **fields)
        assert response.status_code == 201, (fields, response.content)
        appeal = Appeal.objects.get(pk=response.json()[0]["service_request_id"])
        assert appeal.community == community and appeal.town == town
        # What GET reads back as the address can be posted again.
        record = client.get(f"{BASE}/requests/{appeal.pk}.json").json()[0]
        assert record["address"] == listed
    # The listed name with another town is still refused.
    refused = _post(client, key, **{"attribute[town]": "新民镇", "attribute[community]": listed})
    assert refused.status_code == 400


def test_the_filing_client_reads_back_its_description_as_filed(client, category):
    app, key = make_client(name="测试应用B")
    text = "测试B的诉求\n\n详情第二段"
    response = _post(client, key, description=text, lat="24.7", long="118.1", media_url="https://example.com/a.jpg")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=response.json()[0]["service_request_id"])
    assert "测试应用B" in appeal.body  # the handler still sees where it came from
    record = client.get(f"{BASE}/requests/{appeal.pk}.json", {"api_key": key}).json()[0]
    assert record["description"] == text
    assert record["media_url"] == "https://example.com/a.jpg"

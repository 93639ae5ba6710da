"""Review 7: the reception-day texts follow the district's reception weekend (RECEPTION_WEEK_OF_MONTH)."""

import pytest
from constance.test import override_config

from grassroots.tests.factories import WorkstationFactory

pytestmark = pytest.mark.django_db


@override_config(RECEPTION_WEEK_OF_MONTH=3)
def test_citizens_and_the_office_are_told_the_configured_weekend(client, cast):
    ws = WorkstationFactory()
    page = client.get("/grassroots/").content.decode()
    assert "每月第三个周末为接待日，可在线预约，也可直接到访。" in page
    assert "第二个周末" not in page
    client.force_login(cast.clerk)
    page = client.get(f"/grassroots/office/workstations/{ws.pk}/").content.decode()
    assert "生成接待日（每月第三个周末）" in page
    assert "第二个周末" not in page


def test_the_seed_weekend_is_still_the_second(client):
    assert "每月第二个周末为接待日" in client.get("/grassroots/").content.decode()

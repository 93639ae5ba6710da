"""The tracking code (查询码) is the citizen's key to the tracking page: whoever holds it writes to the
handlers and withdraws the appeal there as the citizen. A department the appeal was referred to
never sees it (page, list, Excel export, API); the clerks and whoever recorded it do. The per-role
walk is in core/tests/permission_matrix/test_intake_proposals.py."""

import io

import openpyxl
import pytest

from core.workflow import perform
from intake.models import Route
from intake.services import merge_appeals
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred_case(cast):
    """A case with a duplicate merged into it, referred to the liaison's department, signed for."""
    from supervision.services import create_task

    main, duplicate = AppealFactory(title="西门路灯不亮"), AppealFactory(title="西门路灯坏了")
    merge_appeals(duplicate=duplicate, into=main, actor=cast.clerk)
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    task = create_task(source=main, title=main.title, actor=cast.clerk, lead_department=cast.liaison.department)
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    perform(task, "accept", actor=cast.liaison)
    return main, duplicate


def _export_cells(client) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/insight/export/appeals.xlsx").content)).active
    return [cell for row in workbook.iter_rows(values_only=True) for cell in row]


def test_a_referred_departments_liaison_sees_no_tracking_code_anywhere(client, api_client, cast, referred_case):
    main, duplicate = referred_case
    codes = (main.tracking_code, duplicate.tracking_code)
    client.force_login(cast.liaison)
    page = client.get(main.get_absolute_url()).content.decode()
    assert "西门路灯不亮" in page and not any(code in page for code in codes)
    assert 'data-testid="tracking-code"' not in page
    listing = client.get("/appeals/office/").content.decode()
    assert "西门路灯不亮" in listing and main.tracking_code not in listing
    cells = _export_cells(client)
    assert "西门路灯不亮" in cells and main.tracking_code not in cells
    api_client.force_authenticate(cast.liaison)
    row = api_client.get(f"/api/v1/appeals/{main.pk}/").json()
    assert row["title"] == "西门路灯不亮" and row["tracking_code"] is None
    assert main.tracking_code not in str(api_client.get("/api/v1/appeals/").json())


def test_the_clerk_sees_the_case_and_its_merged_appeals_codes(client, api_client, cast, referred_case):
    main, duplicate = referred_case
    client.force_login(cast.clerk)
    page = client.get(main.get_absolute_url()).content.decode()
    assert main.tracking_code in page and duplicate.tracking_code in page
    assert main.tracking_code in client.get("/appeals/office/").content.decode()
    assert main.tracking_code in _export_cells(client)
    api_client.force_authenticate(cast.clerk)
    assert api_client.get(f"/api/v1/appeals/{main.pk}/").json()["tracking_code"] == main.tracking_code
    merged = api_client.get(f"/api/v1/appeals/{duplicate.pk}/").json()
    assert merged["tracking_code"] == duplicate.tracking_code and merged["merged_into"] == main.tracking_code


def test_the_research_office_reads_a_merged_appeal_without_either_code(api_client, cast, referred_case):
    main, duplicate = referred_case
    api_client.force_authenticate(cast.research)
    merged = api_client.get(f"/api/v1/appeals/{duplicate.pk}/").json()
    assert merged["status"] == "merged" and merged["tracking_code"] is None and merged["merged_into"] is None


def test_whoever_recorded_an_appeal_sees_its_code_to_tell_the_citizen(client, api_client, cast, town):
    # The research office reads appeals without their codes, but one it took down itself it passes on.
    api_client.force_authenticate(cast.research)
    payload = {"title": "路灯不亮", "body": "东门路灯坏了。", "channel": "phone", "town": town.pk}
    created = api_client.post("/api/v1/appeals/", payload, format="json")
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    assert code and api_client.get(f"/api/v1/appeals/{created.json()['id']}/").json()["tracking_code"] == code
    others = AppealFactory(title="别人登记的诉求")
    client.force_login(cast.research)
    listing = client.get("/appeals/office/").content.decode()
    assert code in listing and "别人登记的诉求" in listing and others.tracking_code not in listing
    assert code in client.get(f"/appeals/office/{created.json()['id']}/").content.decode()


@pytest.fixture
def town():
    from district.tests.factories import TownFactory

    return TownFactory(name="新民镇")

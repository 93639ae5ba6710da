import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rules_page_fits_a_phone_with_the_codes_and_their_names(page, cast):
    """Review 7 #6: the unbroken default chairs_meeting,joint_offices,… widened the page past 390 px."""
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "clerk", PASSWORD)
    page.goto(page.base_url + "/district/rules/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    legend = page.locator("[data-testid=legend-PLAN_APPROVAL_CHAIN]")
    assert "joint_offices = 三办联席会" in legend.inner_text()
    box = legend.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

"""Only the research office, the clerks and the group's lead run a research group (domain.md §0 调研)."""

import pytest

from consultations.tests.factories import research_group
from core.exceptions import ActionForbidden
from core.workflow import perform


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["proposal", "info"])
def test_the_proposal_and_information_offices_may_not_run_or_cancel_a_research_group(cast, role):
    from consultations.services import add_research_task

    group = research_group(cast)
    user = getattr(cast, role)
    with pytest.raises(ActionForbidden):
        perform(group, "cancel", actor=user, note="不再需要")
    with pytest.raises(ActionForbidden):
        add_research_task(group=group, actor=user, title="走访三所学校")
    group.refresh_from_db()
    assert group.status == "researching"


@pytest.mark.django_db
def test_the_research_office_still_runs_and_cancels_a_group(cast):
    group = research_group(cast)
    perform(group, "cancel", actor=cast.research, note="议题调整")
    assert group.status == "cancelled"

"""Every registered workflow has a declared matrix, and every declaration matches its workflow."""

from __future__ import annotations

from core.tests.permission_matrix import (
    test_consultations,
    test_grassroots_analytics,
    test_intake_proposals,
    test_opinions,
    test_proposals,
    test_supervision,
    test_topics,
)
from core.workflow import all_workflows

DECLARED = {}
for _module in (
    test_intake_proposals,
    test_proposals,
    test_topics,
    test_consultations,
    test_supervision,
    test_opinions,
    test_grassroots_analytics,
):
    # One declaration per workflow: a second one would silently replace the first.
    assert not set(_module.MATRICES) & set(DECLARED), set(_module.MATRICES) & set(DECLARED)
    DECLARED.update(_module.MATRICES)

# The workflow engine's own test model (core/tests/testapp), registered only under test.
ENGINE_FIXTURES = {"testapp.memo"}


def _product_workflows():
    return [wf for wf in all_workflows() if wf.model.lower() not in ENGINE_FIXTURES]


def test_every_registered_workflow_has_a_declared_matrix():
    registered = {wf.model.lower() for wf in _product_workflows()}
    assert registered - set(DECLARED) == set(), "workflows without a permission matrix"
    assert set(DECLARED) - registered == set(), "matrices for workflows that are not registered"


def test_every_declaration_names_real_states_and_actions_and_lists_every_state():
    for wf in _product_workflows():
        label = wf.model.lower()
        matrix = DECLARED[label]
        states = set(wf.states.values)
        assert set(matrix) == states, (label, states - set(matrix), set(matrix) - states)
        for state, row in matrix.items():
            sources = {a.name for a in wf.actions if state in a.sources}
            assert set(row) <= sources, (label, state, set(row) - sources)

"""Shared vocabulary of the permission matrix: the roles of the `cast` fixture and small helpers.

Every `test_<area>.py` of this package declares, as data written from the domain rules
(/work/shared/domain.md, docs/<area>.md), who may fire which action in which state:
`MATRICES = {"app.model": {state: {action: roles}}}`. States with no action for anybody are listed
with `{}` so that `test_coverage.py` can tell a forgotten state from a closed one.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

ROLES = [
    "admin",
    "clerk",
    "research",
    "proposal",
    "info",
    "chair",
    "vice_chair",
    "secgen",
    "member",
    "other_member",
    "standing",
    "party_office",
    "gov_office",
    "party_leader",
    "liaison",
    "other_liaison",
    "expert",
    "citizen",
]
# The 政协 office side (admin is the system administrator and may act for any office).
OFFICE = frozenset({"admin", "clerk", "research", "proposal", "info"})
CLERKS = frozenset({"admin", "clerk"})
RESEARCH_OFFICE = frozenset({"admin", "research"})
INFO_OFFICE = frozenset({"admin", "info"})
LEADERS = frozenset({"chair", "vice_chair", "secgen"})
# Everyone with a 政协 member record in the cast.
MEMBERS = frozenset({"chair", "vice_chair", "secgen", "member", "other_member", "standing"})
NOBODY: frozenset[str] = frozenset()


def allowed(wf, obj, cast) -> dict[str, set[str]]:
    """{action: roles} as the code decides it, for obj in its current state.

    Who may, not when it is offered: an action with `offered` (宣布表决结果 once a vote is organised)
    is hidden until then, but its permission is the matrix's business all the same.
    """
    out: dict[str, set[str]] = {}
    state = getattr(obj, wf.status_field)
    for role in ROLES:
        user = getattr(cast, role)
        for action in wf.actions:
            if state in action.sources and action.is_allowed(user, obj):
                out.setdefault(action.name, set()).add(role)
    return out


def expected(matrix: dict, state: str) -> dict[str, set[str]]:
    """The declared row for state, without the actions nobody may fire."""
    return {action: set(roles) for action, roles in matrix[state].items() if roles}


def put_in(obj, state: str, status_field: str = "status"):
    """Put obj in state without firing anything: the matrix is about who may move it from there."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**{status_field: state})
    obj.refresh_from_db()
    return obj


def assert_matrix(wf, obj, cast, matrix: dict, prepare=None) -> None:
    """Walk obj through every declared state and compare who may do what with the declaration.

    `prepare(obj, state)` sets up what a real object in that state carries (e.g. the unit it was
    forwarded to) before the roles are asked.
    """
    for state in matrix:
        put_in(obj, state, wf.status_field)
        if prepare is not None:
            prepare(obj, state)
        got, want = allowed(wf, obj, cast), expected(matrix, state)
        assert got == want, (state, got, want)
        assert wf.available(obj, AnonymousUser()) == [], state


def assert_pages(
    client, cast, *, detail: str, listing: str | None, visible, title: str | None = None, list_roles=None
) -> None:
    """Detail: 200 for those who may see it, 404 for the rest; list: 200, showing it only to them.

    `list_roles`: when the list page itself is only for some roles, the others are refused (403).
    """
    for role in ROLES:
        client.force_login(getattr(cast, role))
        response = client.get(detail)
        assert response.status_code == (200 if role in visible else 404), (role, detail, response.status_code)
        if listing is not None:
            page = client.get(listing)
            if list_roles is not None and role not in list_roles:
                assert page.status_code == 403, (role, listing, page.status_code)
                client.logout()
                continue
            assert page.status_code == 200, (role, listing)
            if title is not None:
                assert (title in page.content.decode()) == (role in visible), (role, listing)
        client.logout()
    response = client.get(detail)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], detail


def assert_api(api_client, cast, *, url: str, visible) -> None:
    """The API detail: 200 for those who may see it, 404 (structured) for the rest, 401/403 signed out."""
    for role in ROLES:
        api_client.force_authenticate(getattr(cast, role))
        response = api_client.get(url)
        assert response.status_code == (200 if role in visible else 404), (role, url, response.status_code)
        if role not in visible:
            assert response.json()["error"]["message"], (role, url)
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code in (401, 403), url


def fire_api(api_client, user, url: str, payload: dict):
    api_client.force_authenticate(user)
    return api_client.post(url, payload, format="json")


def assert_api_transition(
    api_client, user, obj, *, url: str, payload: dict, status: int, moves_to: str, stays_in: str
) -> None:
    """Fire a transition through the API as user and check the outcome.

    status 200: the action is taken and obj moves to `moves_to`. 403: refused with a structured
    error (400/403), obj stays in `stays_in`. 404: the user may not even see obj.
    """
    response = fire_api(api_client, user, url, payload)
    obj.refresh_from_db()
    if status == 200:
        assert response.status_code == 200, response.content
        assert obj.status == moves_to
    else:
        assert response.status_code in ({400, 403} if status == 403 else {404}), (user, response.content)
        assert response.json()["error"]["message"]
        assert obj.status == stays_in

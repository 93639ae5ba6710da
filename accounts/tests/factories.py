from dataclasses import dataclass

import factory

from accounts.models import User
from accounts.roles import Role
from district.tests.factories import DepartmentFactory, MemberFactory

PASSWORD = "test-pass-123456"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Meta:
        model = User
        skip_postgeneration_save = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        from accounts.services import ensure_role_groups

        self.save()
        if extracted:
            ensure_role_groups()
            self.groups.set(Group.objects.filter(name__in=extracted))
            self.__dict__.pop("roles", None)


@dataclass
class Cast:
    """A known set of people: one per role, plus a second member and a second liaison."""

    admin: User
    clerk: User
    research: User
    proposal: User
    info: User
    chair: User
    vice_chair: User
    secgen: User
    member: User
    other_member: User
    standing: User
    party_office: User
    gov_office: User
    party_leader: User
    liaison: User
    other_liaison: User
    expert: User
    citizen: User
    anonymous: object

    @classmethod
    def build(cls) -> "Cast":
        """The cast as `accounts.services.create_user` would leave it (each account, its roles, and one
        edit-history row with them), written in a few bulk statements: most tests build one."""
        from django.apps import apps
        from django.contrib.auth.models import AnonymousUser, Group

        from accounts.history import remember_saved
        from accounts.services import ensure_role_groups

        dept, other_dept = DepartmentFactory(name="教育局"), DepartmentFactory(name="人社局")
        standing, vice = [Role.MEMBER, Role.STANDING_MEMBER], "vice_chair"
        # (attribute, username, roles, user fields, member fields or None for a user who is not a member)
        people = [
            ("admin", "admin", [Role.ADMIN], {}, None),
            ("clerk", "clerk", [Role.CLERK], {}, None),
            ("research", "research", [Role.RESEARCH_OFFICE], {}, None),
            ("proposal", "proposal", [Role.PROPOSAL_OFFICE], {}, None),
            ("info", "info", [Role.INFO_OFFICE], {}, None),
            ("chair", "chair", [Role.CHAIR, *standing], {}, {"is_standing": True, "position": "chair"}),
            ("vice_chair", "vicechair", [Role.VICE_CHAIR, *standing], {}, {"is_standing": True, "position": vice}),
            ("secgen", "secgen", [Role.SECRETARY_GENERAL, Role.MEMBER], {}, {"position": "secretary_general"}),
            ("member", "member", [Role.MEMBER], {}, {}),
            ("other_member", "member2", [Role.MEMBER], {}, {}),
            ("standing", "standing", standing, {}, {"is_standing": True}),
            ("party_office", "partyoffice", [Role.PARTY_OFFICE], {}, None),
            ("gov_office", "govoffice", [Role.GOV_OFFICE], {}, None),
            ("party_leader", "partyleader", [Role.PARTY_LEADER], {}, None),
            ("liaison", "liaison", [Role.DEPT_LIAISON], {"department": dept}, None),
            ("other_liaison", "liaison2", [Role.DEPT_LIAISON], {"department": other_dept}, None),
            ("expert", "expert", [Role.EXPERT], {}, None),
            ("citizen", "citizen", [Role.CITIZEN], {}, None),
        ]
        ensure_role_groups()
        groups = {g.name: g.pk for g in Group.objects.all()}
        users = []
        for _attr, username, _roles, fields, _member in people:
            user = User(username=username, full_name=username, **fields)
            user.set_password(PASSWORD)
            users.append(user)
        User.objects.bulk_create(users)
        through = User.groups.through
        held = through.objects.bulk_create(
            [through(user_id=u.pk, group_id=groups[r]) for u, p in zip(users, people, strict=True) for r in p[2]]
        )
        rows = {row.id: row for row in User.history.bulk_history_create(users)}
        # The roles each history row recorded (simple-history copies the through rows, their id included).
        role_rows = apps.get_model("accounts", "HistoricalUser_groups")
        role_rows.objects.bulk_create(
            [role_rows(id=h.pk, history=rows[h.user_id], user_id=h.user_id, group_id=h.group_id) for h in held]
        )
        for user, (_attr, username, _roles, _fields, member) in zip(users, people, strict=True):
            remember_saved(user)
            if member is not None:
                MemberFactory(user=user, name=username, **member)
        return cls(**{p[0]: u for p, u in zip(people, users, strict=True)}, anonymous=AnonymousUser())

from dataclasses import dataclass

import factory

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
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
        from django.contrib.auth.models import AnonymousUser

        dept, other_dept = DepartmentFactory(name="教育局"), DepartmentFactory(name="人社局")

        def user(username, roles, **extra):
            return create_user(username=username, password=PASSWORD, roles=roles, full_name=username, **extra)

        def member(username, roles, **extra):
            u = user(username, roles)
            MemberFactory(user=u, name=username, **extra)
            return u

        return cls(
            admin=user("admin", [Role.ADMIN]),
            clerk=user("clerk", [Role.CLERK]),
            research=user("research", [Role.RESEARCH_OFFICE]),
            proposal=user("proposal", [Role.PROPOSAL_OFFICE]),
            info=user("info", [Role.INFO_OFFICE]),
            chair=member("chair", [Role.CHAIR, Role.MEMBER, Role.STANDING_MEMBER], is_standing=True, position="chair"),
            vice_chair=member(
                "vicechair",
                [Role.VICE_CHAIR, Role.MEMBER, Role.STANDING_MEMBER],
                is_standing=True,
                position="vice_chair",
            ),
            secgen=member("secgen", [Role.SECRETARY_GENERAL, Role.MEMBER], position="secretary_general"),
            member=member("member", [Role.MEMBER]),
            other_member=member("member2", [Role.MEMBER]),
            standing=member("standing", [Role.MEMBER, Role.STANDING_MEMBER], is_standing=True),
            party_office=user("partyoffice", [Role.PARTY_OFFICE]),
            gov_office=user("govoffice", [Role.GOV_OFFICE]),
            party_leader=user("partyleader", [Role.PARTY_LEADER]),
            liaison=user("liaison", [Role.DEPT_LIAISON], department=dept),
            other_liaison=user("liaison2", [Role.DEPT_LIAISON], department=other_dept),
            expert=user("expert", [Role.EXPERT]),
            citizen=user("citizen", [Role.CITIZEN]),
            anonymous=AnonymousUser(),
        )

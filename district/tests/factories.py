import factory

from district import models


class CommitteeFactory(factory.django.DjangoModelFactory):
    name = "测试区政协"
    short_name = "测试区政协"
    district_name = "测试区"
    doc_prefix = "测"

    class Meta:
        model = models.Committee
        django_get_or_create = ("name",)


class TermFactory(factory.django.DjangoModelFactory):
    committee = factory.SubFactory(CommitteeFactory)
    number = 14
    start_year = 2021
    end_year = 2026
    is_current = True

    class Meta:
        model = models.Term
        django_get_or_create = ("committee", "number")


class SessionFactory(factory.django.DjangoModelFactory):
    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    year = 2022

    class Meta:
        model = models.Session


class BodyFactory(factory.django.DjangoModelFactory):
    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员会{n}")
    kind = models.Body.Kind.SPECIAL

    class Meta:
        model = models.Body


class SectorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"界别{n}")

    class Meta:
        model = models.Sector


class PartyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"党派{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)

    class Meta:
        model = models.Party


class TownFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"镇{n}")

    class Meta:
        model = models.Town


class CommunityFactory(factory.django.DjangoModelFactory):
    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"社区{n}")

    class Meta:
        model = models.Community


class DepartmentFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"部门{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)

    class Meta:
        model = models.Department


class MemberFactory(factory.django.DjangoModelFactory):
    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = "M"
    sector = factory.SubFactory(SectorFactory)
    party = factory.SubFactory(PartyFactory)
    phone = "13800001111"

    class Meta:
        model = models.Member


class ExpertFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"专家{n}")
    field = "教育"

    class Meta:
        model = models.Expert


class PartyLeaderFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"领导{n}")
    title = "区委副书记"

    class Meta:
        model = models.PartyLeader


def rules_form_data(reason: str = "区政协办公室通知调整", **changes) -> dict:
    """What the district rules' form posts (the 规则设置 page and the admin's Config page alike): every rule
    as it stands, the form's version, a reason, and the changes typed over them."""
    from constance.utils import get_values

    from core.config_forms import DistrictRulesForm

    form = DistrictRulesForm(initial=get_values())
    data = {name: form[name].value() for name in form.fields if name not in ("reason", "version")}
    data = {name: value for name, value in data.items() if value is not False}  # an unticked box posts nothing
    return {**data, "version": form.initial["version"], "reason": reason, **changes}

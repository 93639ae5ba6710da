import factory

from intake.models import Appeal, AppealCategory, Channel
from intake.services import new_tracking_code


class AppealCategoryFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")

    class Meta:
        model = AppealCategory


class AppealFactory(factory.django.DjangoModelFactory):
    tracking_code = factory.LazyFunction(new_tracking_code)
    title = factory.Sequence(lambda n: f"小区路灯不亮{n}")
    body = "晚上出行很不方便，希望尽快修复。"
    channel = Channel.WEB
    contact_name = "王先生"
    contact_phone = "13912345678"
    address = "同安区新民镇某路8号"

    class Meta:
        model = Appeal

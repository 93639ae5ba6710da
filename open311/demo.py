"""Demo Open311 clients (fictional) and a few appeals filed through them, handled to different stages.

The demo client's key is fixed so that the curl examples in docs/open311.md work on a demo install.
It is demo data only: a real deployment registers its clients on the office page, which shows a random key once.
Dated relative to today: the hotline was connected months ago, the old mini-program retired a month ago
(after it was registered), the requests came in over the last ten days and were handled in order since.
"""

from datetime import timedelta

from django.utils import timezone

from core.demo_runner import StoryClock
from core.workflow import perform
from district.models import Town
from intake.models import AppealCategory, Outcome, Route
from open311.models import ClientApplication
from open311.services import RequestInput, file_request

DEMO_API_KEY = "o311_demo_tongan_12345_not_for_production"

# (service code, description, town name, filer's family name, given name) — fictional residents.
REQUESTS = [
    ("urban", "（演示）丙洲大道路灯连续多晚不亮\n晚上散步的老人和孩子很多，存在安全隐患。", "西柯镇", "陈", "女士"),
    ("transport", "（演示）五显镇三秀村公交班次太少\n早上七点前没有车，学生上学很不方便。", "五显镇", "林", "先生"),
    ("ecology", "（演示）东溪有养殖污水排入\n下游村民反映河水有异味。", "新民镇", "黄", "先生"),
    ("education", "（演示）祥平街道某小学门口上下学接送拥堵\n希望增设临时停车位或错峰放学。", "祥平街道", "", ""),
]


def _key_hash(key: str) -> str:
    return ClientApplication.hash_key(key)


def load(ctx: dict) -> None:
    clerk = ctx.get("users", {}).get("clerk")
    now = timezone.now()
    clock = StoryClock()
    clock.at(now - timedelta(days=200))
    hotline, _created = ClientApplication.objects.get_or_create(
        name="（演示）同安区12345热线对接",
        defaults={
            "contact": "（演示）热线平台运维 张工 0592-0000000",
            "key_hash": _key_hash(DEMO_API_KEY),
            "key_prefix": DEMO_API_KEY[5:13],
            "rate_limit": "120/m",
            "created_by": clerk,
        },
    )
    clock.at(now - timedelta(days=400))
    ClientApplication.objects.get_or_create(
        name="（演示）旧版便民小程序",
        defaults={
            "contact": "（演示）已停止维护",
            "key_hash": _key_hash(DEMO_API_KEY + "_retired"),
            "key_prefix": "retired0",
            "is_active": False,
            "deactivated_at": timezone.now() - timedelta(days=30),
            "created_by": clerk,
        },
    )
    categories = {c.code: c for c in AppealCategory.objects.all()}
    towns = {t.name: t for t in Town.objects.all()}
    filed = []
    for i, (code, text, town, family, given) in enumerate(REQUESTS):
        if code not in categories:
            continue
        data = RequestInput(
            category=categories[code],
            description=text,
            town=towns.get(town),
            first_name=given,
            last_name=family,
            phone=f"1390000000{i}" if family else "",
        )
        clock.at(now - timedelta(days=9 - 2 * i, hours=3))
        request, _new = file_request(client=hotline, data=data, idempotency_key=f"demo-{i}")
        filed.append(request.appeal)
    if clerk is None or len(filed) < 3:
        clock.settle()
        return
    # One routed, one answered and closed with a plan, the rest still waiting for the office.
    clock.at(now - timedelta(days=6))
    perform(filed[0], "route", actor=clerk, data={"route": Route.OFFICE})
    perform(filed[1], "route", actor=clerk, data={"route": Route.OFFICE})
    clock.at(now - timedelta(days=4))
    perform(filed[1], "answer", actor=clerk, note="（演示）已协调交通局，下月起早班增开一班。")
    clock.at(now - timedelta(days=3))
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    perform(
        filed[1],
        "close",
        actor=clerk,
        note="（演示）列入公交线路调整计划",
        data={"outcome": Outcome.PLAN, "plan_due_date": due},
    )
    clock.settle()

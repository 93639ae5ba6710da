"""The GeoReport v2 endpoints under /open311/v2/, in JSON and XML, with the spec's error format."""

import json
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from core.exceptions import DomainError
from core.http import refused_request
from open311 import selectors, services
from open311.formats import error_response, respond
from open311.forms import RequestQueryForm, ServiceRequestForm
from open311.models import ClientApplication

ANONYMOUS_RATE = "120/m"  # GET calls without an api_key, per IP address
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-01-01T00:00:00+08:00"  # last change of this interface


def _payload(request) -> QueryDict:
    """The POST body: form-encoded as the spec says, or a JSON object for convenience."""
    if request.method != "POST" or request.content_type != "application/json":
        return request.POST
    body = json.loads(request.body or b"{}")
    if not isinstance(body, dict):
        raise ValueError("not an object")
    data = QueryDict(mutable=True)
    for key, value in body.items():
        if key == "attribute" and isinstance(value, dict):
            # The JSON form of the spec's attribute[code]=value pairs: {"attribute": {"town": "2"}}.
            for code, answer in value.items():
                data[f"attribute[{code}]"] = _scalar(f"attribute.{code}", answer)
        else:
            data[str(key)] = _scalar(str(key), value)
    return data


class NotAScalar(ValueError):
    """A JSON value that is an object or a list where the spec expects one text or number."""


def _scalar(name: str, value) -> str:
    if isinstance(value, dict | list):
        raise NotAScalar(_("字段 %(name)s 的值须为文本或数字。") % {"name": name[:60]})
    return "" if value is None else str(value)


def _limited(request, client: ClientApplication | None, fmt: str) -> HttpResponse | None:
    """Count this call against the client's rate (or the caller's IP without a key); 429 when over."""
    if client is not None:
        group, rate, value = "open311.client", client.rate_limit, f"client:{client.pk}"
    else:
        group, rate, value = "open311.anonymous", ANONYMOUS_RATE, None
    usage = get_usage(request, group=group, key=(lambda g, r: value) if value else "ip", rate=rate, increment=True)
    if usage and usage["should_limit"]:
        retry = str(max(int(usage["time_left"]), 1))
        return error_response(
            429, _("调用过于频繁，请 %(s)s 秒后再试。") % {"s": retry}, fmt=fmt, headers={"Retry-After": retry}
        )
    return None


def open311_endpoint(*, methods: tuple[str, ...], key_required_for: tuple[str, ...] = ()):
    """Method check, body parsing, api_key check and rate limiting, all answered in the spec's format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, fmt: str, **kwargs):
            if request.method not in methods:
                response = error_response(405, _("不支持该请求方法。"), fmt=fmt)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                data = _payload(request)
                api_key = (data.get("api_key") or request.GET.get("api_key") or "").strip()
            except NotAScalar as exc:
                return error_response(400, str(exc), fmt=fmt)
            except ValueError:
                return error_response(400, _("请求体不是有效的 JSON 对象。"), fmt=fmt)
            except SuspiciousOperation as exc:
                # Too large, or too many fields: Django refuses to read it; say so in the spec's format.
                logging.getLogger(f"django.security.{exc.__class__.__name__}").warning("%s", exc)
                status, _code, message = refused_request(exc)
                return error_response(status, message, fmt=fmt)
            client = selectors.active_client(api_key)
            if client is None and (api_key or request.method in key_required_for):
                return _limited(request, None, fmt) or error_response(
                    403, _("api_key 无效或已停用，请向政协办公室申请。") if api_key else _("缺少 api_key。"), fmt=fmt
                )
            limited = _limited(request, client, fmt)
            if limited is not None:
                return limited
            if client is not None:
                services.touch_client(client)
            return view(request, fmt, data=data, client=client, **kwargs)

        return wrapper

    return decorate


@open311_endpoint(methods=("GET",))
def discovery(request, fmt, *, data, client):
    base = settings.SITE_URL.rstrip("/") + reverse("open311:services", kwargs={"fmt": "json"}).rsplit("/", 1)[0]
    document = {
        "changeset": CHANGESET,
        "contact": _("如需接入，请联系政协办公室登记客户端应用并领取 api_key。"),
        "key_service": _("api_key 由政协办公室在“开放接口应用”页面登记后发放，只显示一次。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(document, fmt, root="discovery")


@open311_endpoint(methods=("GET",))
def service_list(request, fmt, *, data, client):
    records = [selectors.service_record(c) for c in selectors.active_services()]
    return respond(records, fmt, root="services", item="service")


@open311_endpoint(methods=("GET",))
def service_definition(request, fmt, *, data, client, code: str):
    category = selectors.service_by_code(code)
    if category is None:
        return error_response(404, _("未找到服务代码“%(code)s”。") % {"code": code[:40]}, fmt=fmt)
    return respond(selectors.service_definition(category), fmt, root="service_definition")


@open311_endpoint(methods=("GET", "POST"), key_required_for=("POST",))
def requests_endpoint(request, fmt, *, data, client):
    if request.method == "POST":
        return _create(request, fmt, data, client)
    form = RequestQueryForm(request.GET)
    if not form.is_valid():
        return error_response(400, *form.error_descriptions(), fmt=fmt)
    try:
        found = selectors.find_requests(form.to_query())
    except selectors.WindowTooWide as exc:
        return error_response(400, str(exc), fmt=fmt)
    records = [selectors.request_record(a, client=client) for a in found]
    return respond(records, fmt, root="service_requests", item="request")


def _create(request, fmt, data, client: ClientApplication) -> HttpResponse:
    retry_key = request.headers.get("Idempotency-Key") or data.get("request_token") or ""
    replay = services.replayed_request(client=client, idempotency_key=retry_key)
    if replay is None:
        form = ServiceRequestForm(data)
        if not form.is_valid():
            return error_response(400, *form.error_descriptions(), fmt=fmt)
        try:
            filed, created = services.file_request(client=client, data=form.to_input(), idempotency_key=retry_key)
        except DomainError as exc:
            return error_response(400, exc.message, fmt=fmt)
        appeal = filed.appeal
    else:
        appeal, created = replay, False
    track = settings.SITE_URL.rstrip("/") + reverse("intake:track")
    notice = _("诉求已受理。查询码：%(code)s，凭查询码可在 %(url)s 查看办理进度。") % {
        "code": appeal.tracking_code,
        "url": track,
    }
    record = {"service_request_id": str(appeal.pk), "service_notice": notice, "account_id": None}
    return respond([record], fmt, root="service_requests", item="request", status=201 if created else 200)


@open311_endpoint(methods=("GET",))
def request_detail(request, fmt, *, data, client, pk: str):
    appeal = selectors.get_request(int(pk)) if pk.isascii() and pk.isdigit() and len(pk) <= 18 else None
    if appeal is None:
        return error_response(404, _("未找到编号为“%(id)s”的服务请求。") % {"id": pk[:20]}, fmt=fmt)
    return respond([selectors.request_record(appeal, client=client)], fmt, root="service_requests", item="request")


@csrf_exempt
def not_found(request, rest: str = ""):
    fmt = "xml" if rest.endswith(".xml") else "json"
    return error_response(404, _("没有这个接口。可用接口见 discovery.json。"), fmt=fmt)

"""Structured JSON errors: {"error": {"code", "message", "fields"}} for every API failure."""

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from core.exceptions import DomainError


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(x) if not isinstance(x, dict | list) else _flatten(x) for x in detail]
    return str(detail)


def as_message_lists(fields: dict | None) -> dict:
    """One shape for `fields` everywhere: each field names a list of messages, as DRF's own validation
    errors do (a service's `Refused(fields={"x": "..."})` gives one bare string). A number is no message
    but the id of the record a refusal points to (`existing_plan`, `existing_group`) and stays one."""
    shaped = {}
    for name, value in (fields or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            shaped[name] = value
        elif isinstance(value, dict):
            shaped[name] = as_message_lists(value)
        elif isinstance(value, list | tuple):
            shaped[name] = [str(v) if not isinstance(v, dict | list) else _flatten(v) for v in value]
        else:
            shaped[name] = [str(value)]
    return shaped


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": as_message_lists(fields)}}


JSON_POSITION = re.compile(r"line (\d+) column (\d+)")


def _parse_error_fields(exc) -> dict:
    """DRF's ParseError names the parser's complaint in English ("JSON parse error - Expecting value:
    line 1 column 2"); the caller gets the position in its own language, or no detail."""
    found = JSON_POSITION.search(str(exc.detail))
    if not found:
        return {}
    message = _("JSON 语法错误：第%(line)s行第%(column)s列。") % {"line": found[1], "column": found[2]}
    return {"body": [message]}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, str(exc.message), exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "；".join(exc.messages)
        return Response(error_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        return Response(
            error_body("parse_error", _("无法解析请求内容，请检查格式（如 JSON 语法）。"), _parse_error_fields(exc)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # SessionAuthentication's refusal, in English ("CSRF Failed: CSRF token missing.").
        message = _("CSRF 校验失败：通过网页登录会话调用接口时，请在 X-CSRFToken 请求头中附上 CSRF 令牌。")
        return Response(error_body("permission_denied", message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到该记录。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您没有权限访问。"))
    response = drf_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        response.data = error_body("invalid", _("提交的数据有误，请检查。"), fields)
    else:
        message = detail.get("detail", "") if isinstance(detail, dict) else str(detail)
        code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(message))
    return response

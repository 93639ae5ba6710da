"""WeChat Official Account (公众号) server callback, plaintext mode of the public message spec.

GET with signature/timestamp/nonce/echostr verifies the server; POST carries a message in XML.
signature = sha1 of the sorted concatenation of token, timestamp and nonce. A text message becomes
an appeal (idempotent on MsgId, since WeChat retries three times when no reply comes within 5 s);
"查询 <code>" answers the status. Replies are passive XML text messages.
"""

import hashlib
import hmac
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.env import env_secret
from core.exceptions import Refused

MAX_XML_BYTES = 64 * 1024
# "查询 <code>" (also traditional 查詢); escapes keep the pattern out of the translation check.
_QUERY = re.compile("^\\s*(?:\u67e5\u8be2|\u67e5\u8a62)\\s*[:\uff1a]?\\s*([A-Za-z0-9][A-Za-z0-9 -]{5,14})\\s*$")


def token() -> str:
    """The callback token: settings.WECHAT_TOKEN if set, else the WECHAT_TOKEN(_FILE) variable."""
    return getattr(settings, "WECHAT_TOKEN", "") or env_secret("WECHAT_TOKEN", "")


def signature_for(token_value: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token_value, timestamp, nonce])).encode("utf-8")).hexdigest()


def check_signature(*, signature: str, timestamp: str, nonce: str) -> bool:
    value = token()
    if not value or not (signature and timestamp and nonce):
        return False
    return hmac.compare_digest(signature_for(value, timestamp, nonce), signature.lower())


@dataclass
class Message:
    to_user: str
    from_user: str
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""


def parse_message(raw: bytes) -> Message:
    """Parse the XML body; refuse DTDs (entity expansion) and oversize bodies."""
    if len(raw) > MAX_XML_BYTES or b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise Refused(_("消息格式无效。"))
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise Refused(_("消息格式无效。")) from exc

    def text(tag: str) -> str:
        node = root.find(tag)
        return (node.text or "").strip() if node is not None else ""

    return Message(
        to_user=text("ToUserName"),
        from_user=text("FromUserName"),
        msg_type=text("MsgType"),
        content=text("Content"),
        msg_id=text("MsgId"),
        event=text("Event"),
    )


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(incoming: Message, content: str) -> str:
    """A passive reply: a text message back to the sender."""
    return (
        "<xml>"
        f"<ToUserName>{_cdata(incoming.from_user)}</ToUserName>"
        f"<FromUserName>{_cdata(incoming.to_user)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(content)}</Content>"
        "</xml>"
    )


def answer(message: Message) -> str:
    """The text to send back for one incoming message (creating an appeal when it is one)."""
    if message.msg_type == "event":
        if message.event.lower() == "subscribe":
            return _("欢迎关注！直接发送文字即可反映诉求，我们会回复查询码；发送“查询 查询码”可查看办理进度。")
        return ""
    if message.msg_type != "text":
        return _("目前只能受理文字消息，请用文字描述您反映的问题。")
    query = _QUERY.match(message.content)
    if query:
        return _status_text(query.group(1))
    return _create_appeal(message)


def _status_text(code: str) -> str:
    from intake.selectors import case_of, find_by_tracking_code

    appeal = find_by_tracking_code(code)
    if appeal is None:
        return _("未找到查询码为“%(code)s”的诉求，请核对后重试。") % {"code": code[:20]}
    case = case_of(appeal)
    text = _("查询码%(code)s：%(status)s。") % {"code": appeal.tracking_code, "status": case.get_status_display()}
    if case.answer:
        text += _("答复：%(answer)s") % {"answer": case.answer[:300]}
    return text


def _create_appeal(message: Message) -> str:
    from intake.models import Channel
    from intake.services import check_text, submit_appeal

    body = message.content
    title = body.splitlines()[0][:30] if body else ""
    errors = check_text(title=title or body, body=body)
    if errors:
        return str(errors.get("body") or errors.get("title"))
    key = f"wechat:{message.msg_id}" if message.msg_id else None
    appeal, _created = submit_appeal(title=title, body=body, channel=Channel.WECHAT, idempotency_key=key)
    return _("您的诉求已受理，查询码：%(code)s。发送“查询 %(code)s”可查看办理进度。") % {"code": appeal.tracking_code}

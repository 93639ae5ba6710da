"""The WeChat Official Account callback, driven with messages in the documented XML format."""

import hashlib
import re

import pytest

from intake.models import Appeal, AppealStatus, Channel
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db
TOKEN = "xieshang-test-token"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.WECHAT_TOKEN = TOKEN


def signed(timestamp="1700000000", nonce="12345", token=TOKEN) -> str:
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return f"/appeals/wechat/?signature={signature}&timestamp={timestamp}&nonce={nonce}"


def text_message(content: str, msg_id: str = "1234567890123456") -> bytes:
    return (
        "<xml><ToUserName><![CDATA[gh_tongan]]></ToUserName>"
        "<FromUserName><![CDATA[oUser-openid]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def cdata(xml: str, tag: str) -> str:
    return re.search(rf"<{tag}><!\[CDATA\[(.*?)\]\]></{tag}>", xml, re.S).group(1)


def test_server_verification_echoes_echostr(client):
    response = client.get(signed() + "&echostr=hello123")
    assert response.status_code == 200 and response.content == b"hello123"


def test_bad_signature_is_refused(client):
    response = client.get(signed(token="wrong") + "&echostr=x")
    assert response.status_code == 403
    response = client.post(signed(token="wrong"), text_message("路灯坏了"), content_type="text/xml")
    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_endpoint_closed_without_a_token(client, settings, monkeypatch):
    settings.WECHAT_TOKEN = ""
    monkeypatch.delenv("WECHAT_TOKEN", raising=False)
    assert client.get(signed(token="") + "&echostr=x").status_code == 403


def test_token_read_from_environment(client, settings, monkeypatch):
    settings.WECHAT_TOKEN = ""
    monkeypatch.setenv("WECHAT_TOKEN", "from-env")
    assert client.get(signed(token="from-env") + "&echostr=ok").content == b"ok"


def test_text_message_becomes_an_appeal_and_reply_carries_the_code(client):
    response = client.post(signed(), text_message("西柯镇某小区门口积水严重\n下雨就淹"), content_type="text/xml")
    assert response.status_code == 200
    xml = response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WECHAT and appeal.title == "西柯镇某小区门口积水严重"
    assert cdata(xml, "ToUserName") == "oUser-openid" and cdata(xml, "FromUserName") == "gh_tongan"
    assert cdata(xml, "MsgType") == "text"
    assert appeal.tracking_code in cdata(xml, "Content")


def test_wechat_retry_of_the_same_msgid_creates_one_appeal(client):
    for _ in range(3):
        client.post(signed(), text_message("路灯坏了", msg_id="42"), content_type="text/xml")
    assert Appeal.objects.count() == 1


def test_query_answers_the_status(client):
    appeal = AppealFactory(tracking_code="K7QM-3XPA", status=AppealStatus.ANSWERED, answer="已安排维修")
    response = client.post(signed(), text_message("查询 k7qm3xpa"), content_type="text/xml")
    content = cdata(response.content.decode(), "Content")
    assert appeal.tracking_code in content and "已答复" in content and "已安排维修" in content
    assert Appeal.objects.count() == 1


def test_query_with_unknown_code_says_so(client):
    response = client.post(signed(), text_message("查询 ZZZZ-ZZZZ"), content_type="text/xml")
    assert "未找到" in cdata(response.content.decode(), "Content")


def test_over_long_text_is_answered_with_the_limit(client):
    response = client.post(signed(), text_message("字" * 20000), content_type="text/xml")
    assert "5000" in cdata(response.content.decode(), "Content")
    assert not Appeal.objects.exists()


def test_entity_declarations_are_refused(client):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>'
    assert client.post(signed(), evil, content_type="text/xml").status_code == 400


def test_subscribe_event_gets_a_welcome(client):
    body = (
        b"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName>"
        b"<CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
    response = client.post(signed(), body, content_type="text/xml")
    assert "查询" in cdata(response.content.decode(), "Content")

import json
import xml.etree.ElementTree as ET

from open311.formats import error_response, to_xml


def test_xml_drops_characters_xml_cannot_carry_and_writes_nulls_and_booleans():
    body = to_xml(
        [{"description": "路灯\x0b不亮 <&>", "metadata": False, "lat": None}], root="requests", item="request"
    )
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    request = ET.fromstring(body).find("request")
    assert request.findtext("description") == "路灯不亮 <&>"
    assert request.findtext("metadata") == "false"
    assert request.find("lat").text is None


def test_error_response_lists_each_problem_with_the_http_status_as_code():
    response = error_response(400, "description: 必填", "phone: 格式不对")
    assert response.status_code == 400
    assert json.loads(response.content) == [
        {"code": 400, "description": "description: 必填"},
        {"code": 400, "description": "phone: 格式不对"},
    ]
    xml = ET.fromstring(error_response(404, "无", fmt="xml").content)
    assert (xml.tag, xml.findtext("error/code"), xml.findtext("error/description")) == ("errors", "404", "无")

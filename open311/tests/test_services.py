import pytest

from core.exceptions import Refused
from intake.models import Channel
from intake.tests.factories import AppealCategoryFactory
from open311 import selectors
from open311.models import ClientApplication
from open311.services import RequestInput, deactivate_client, file_request, register_client

pytestmark = pytest.mark.django_db


def test_register_client_stores_only_the_hash_of_the_key(cast):
    client, key = register_client(name="12345热线", contact="李工 0592-1234567", actor=cast.clerk)
    stored = ClientApplication.objects.get(pk=client.pk)
    assert key.startswith("o311_") and len(key) > 40
    assert stored.key_hash == ClientApplication.hash_key(key) and key not in stored.key_hash
    assert stored.key_prefix == key[5:13]
    assert selectors.active_client(key) == client
    assert stored.history.first().history_user == cast.clerk


def test_register_client_refuses_a_malformed_rate(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        register_client(name="x", contact="y", rate_limit="lots", actor=cast.clerk)
    assert "rate_limit" in exc.value.message_dict


def test_deactivated_client_key_no_longer_authenticates_and_cannot_be_deactivated_twice(cast):
    client, key = register_client(name="小程序", contact="王工", actor=cast.clerk)
    deactivate_client(client=client, actor=cast.clerk)
    client.refresh_from_db()
    assert not client.is_active and client.deactivated_at is not None
    assert selectors.active_client(key) is None
    with pytest.raises(Refused):
        deactivate_client(client=client, actor=cast.clerk)


def test_file_request_uses_the_first_line_as_title_and_orders_chinese_names(cast):
    client, _key = register_client(name="小程序", contact="王工", actor=cast.clerk)
    category = AppealCategoryFactory()
    data = RequestInput(category=category, description="  " + "路" * 40 + "\n详情", first_name="小红", last_name="陈")
    filed, created = file_request(client=client, data=data)
    appeal = filed.appeal
    assert created and appeal.channel == Channel.OPEN311
    assert appeal.title == "路" * 30
    assert appeal.contact_name == "陈小红"
    other = RequestInput(category=category, description="Streetlight out", first_name="Ann", last_name="Lee")
    assert file_request(client=client, data=other)[0].appeal.contact_name == "Ann Lee"

"""The synthetic city generator: consistent rows, encrypted personal data, refuses real databases."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import DemoMarker, StatusChange
from core.scale import MARKER, tracking_code
from intake.models import Appeal, AppealStatus
from proposals.models import Proposal


@pytest.fixture
def city(db):
    call_command("generate_scale", appeals=600, proposals=120, members=40, departments=30, batch=250, contact_share=0.5)


def test_tracking_codes_are_unique_and_well_formed():
    codes = {tracking_code(i) for i in range(1, 50_001)}
    assert len(codes) == 50_000
    assert all(len(c) == 9 and c[4] == "-" for c in list(codes)[:100])


def test_generates_the_requested_city_labelled_synthetic(city):
    assert Appeal.objects.count() == 600
    assert Proposal.objects.count() == 120
    assert DemoMarker.objects.filter(name=MARKER).exists()
    assert all(body.startswith("【合成数据】") for body in Appeal.objects.values_list("body", flat=True))
    # All five years, every channel mix, several states.
    years = {d.year for d in Appeal.objects.values_list("created_at", flat=True)}
    assert len(years) >= 5
    assert Appeal.objects.values("status").distinct().count() >= 4
    assert Appeal.objects.values("channel").distinct().count() >= 4


def test_each_appeal_has_its_transitions_and_history(city):
    ct = ContentType.objects.get_for_model(Appeal)
    for appeal in Appeal.objects.exclude(status=AppealStatus.RECEIVED)[:50]:
        changes = list(StatusChange.objects.filter(content_type=ct, object_id=appeal.pk).order_by("created_at"))
        assert changes, appeal
        assert changes[0].from_state == AppealStatus.RECEIVED
        assert changes[-1].to_state == appeal.status
        for a, b in zip(changes, changes[1:], strict=False):
            assert a.to_state == b.from_state
        assert [h.history_type for h in appeal.history.order_by("history_date")] == ["+", "~"]
    for appeal in Appeal.objects.filter(status=AppealStatus.MERGED):
        assert appeal.merged_into_id and appeal.merged_into_id < appeal.pk
    ct = ContentType.objects.get_for_model(Proposal)
    filed = Proposal.objects.filter(serial__isnull=False).first()
    last = StatusChange.objects.filter(content_type=ct, object_id=filed.pk).order_by("created_at").last()
    assert last.to_state == filed.status


def test_contact_data_is_encrypted_at_rest(city):
    with_contact = Appeal.objects.exclude(contact_phone="").first()
    assert with_contact.contact_phone.startswith("139")
    with connection.cursor() as cur:
        cur.execute("SELECT contact_phone FROM intake_appeal WHERE id = %s", [with_contact.pk])
        raw = cur.fetchone()[0]
    assert raw.split(":")[0] in {"sm4", "aes"} and with_contact.contact_phone not in raw


def test_generated_appeals_are_found_by_tracking_code_and_full_text_search(city, django_user_model):
    from analytics.selectors import search_documents
    from intake.selectors import find_by_tracking_code

    appeal = Appeal.objects.order_by("?").first()
    assert find_by_tracking_code(appeal.tracking_code.replace("-", "").lower()) == appeal
    clerk = django_user_model.objects.get(username="syn-clerk")
    docs, _terms = search_documents(clerk, "噪音扰民")
    noisy = Appeal.objects.filter(body__contains="噪音扰民").count()
    assert noisy and docs.count() == noisy


@pytest.mark.django_db
def test_refuses_a_database_with_demo_or_real_data(cast):
    with pytest.raises(CommandError, match="Refusing to generate synthetic data"):
        call_command("generate_scale", appeals=10)
    assert not Appeal.objects.exists()


def test_refuses_to_run_twice(city):
    with pytest.raises(CommandError, match="already holds a synthetic city"):
        call_command("generate_scale", appeals=10)

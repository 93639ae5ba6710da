"""Writes for Open311: client applications (keys issued once) and appeals filed through them."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.i18n import record_language
from intake.models import Appeal, AppealCategory, Channel
from intake.services import submit_appeal
from open311.models import DEFAULT_RATE, ClientApplication, ServiceRequest

TITLE_CHARS = 30
KEY_PREFIX = "o311_"


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def register_client(*, name: str, contact: str, rate_limit: str = DEFAULT_RATE, actor) -> tuple[ClientApplication, str]:
    """Register a client application; returns it and its api_key, which is never shown again."""
    key = new_api_key()
    client = ClientApplication(
        name=(name or "").strip(),
        contact=(contact or "").strip(),
        rate_limit=(rate_limit or DEFAULT_RATE).strip(),
        key_hash=ClientApplication.hash_key(key),
        key_prefix=key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8],
        created_by=actor,
    )
    client.full_clean(exclude=["key_hash", "key_prefix"])
    client._history_user = actor
    client.save()
    return client, key


@transaction.atomic
def deactivate_client(*, client: ClientApplication, actor) -> ClientApplication:
    """Stop accepting the client's key; the appeals it filed remain."""
    client = ClientApplication.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise Refused(_("该应用已停用。"))
    client.is_active = False
    client.deactivated_at = timezone.now()
    client._history_user = actor
    client.save(update_fields=["is_active", "deactivated_at"])
    return client


def touch_client(client: ClientApplication) -> None:
    """Record that the client called us (at most once a minute, to spare the row)."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ClientApplication.objects.filter(pk=client.pk).update(last_used_at=now)


@dataclass
class RequestInput:
    """A validated POST requests (see forms.ServiceRequestForm)."""

    category: AppealCategory
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    town: object = None
    community: object = None


def scoped_idempotency_key(client: ClientApplication, raw: str) -> str | None:
    """A client's retry key, namespaced per client so two clients never collide (fits 64 chars)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return f"open311:{client.pk}:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def replayed_request(*, client: ClientApplication, idempotency_key: str) -> Appeal | None:
    """The appeal this client already filed with this retry key, if any."""
    key = scoped_idempotency_key(client, idempotency_key)
    return Appeal.objects.filter(idempotency_key=key).first() if key else None


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip()
    return first_line[:TITLE_CHARS]


def _contact_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    # Chinese names are written family name first with no space; others keep "first last".
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _body(data: RequestInput, client: ClientApplication) -> str:
    lines = [data.description.strip()]
    extra = []
    with record_language():  # stored in the appeal's text, whatever Accept-Language the client sent
        if data.lat is not None and data.long is not None:
            extra.append(_("位置（WGS84）：%(lat)s, %(long)s") % {"lat": data.lat, "long": data.long})
        if data.media_url:
            extra.append(_("图片：%(url)s") % {"url": data.media_url})
        extra.append(_("来源应用：%(name)s") % {"name": client.name})
    return "\n\n".join([*lines, "\n".join(extra)])


@transaction.atomic
def file_request(
    *, client: ClientApplication, data: RequestInput, idempotency_key: str = ""
) -> tuple[ServiceRequest, bool]:
    """File an appeal through the Open311 channel; a repeated retry key returns the first one."""
    key = scoped_idempotency_key(client, idempotency_key)
    appeal, created = submit_appeal(
        title=_title(data.description),
        body=_body(data, client),
        channel=Channel.OPEN311,
        category=data.category,
        town=data.town,
        community=data.community,
        address=data.address_string,
        contact_name=_contact_name(data.first_name, data.last_name),
        contact_phone=data.phone,
        idempotency_key=key,
    )
    if not created:
        filed = ServiceRequest.objects.filter(appeal=appeal).first()
        if filed is not None:
            return filed, False
    filed = ServiceRequest(appeal=appeal, client=client, lat=data.lat, long=data.long, media_url=data.media_url)
    filed.full_clean()
    filed.save()
    return filed, created

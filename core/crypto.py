"""Field-level encryption of personal data at rest.

SM4-GCM (GB/T 32907) where the installed `cryptography`/OpenSSL offers it, AES-256-GCM otherwise.
Each ciphertext carries its algorithm tag, so a database can hold both and keys can be rotated.
"""

import base64
import functools
import hashlib
import hmac
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def _master() -> bytes:
    try:
        raw = base64.b64decode(settings.FIELD_ENCRYPTION_KEY, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64") from exc
    if len(raw) < 16:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must decode to at least 16 bytes")
    return raw


@functools.cache
def _derive(purpose: bytes, length: int, master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(master)


@functools.cache
def sm4_available() -> bool:
    try:
        key, nonce = b"\0" * 16, b"\0" * 12
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.update(b"probe")
        enc.finalize()
        return True
    except Exception:
        return False


def encrypt(plaintext: str) -> str:
    if plaintext == "":
        return ""
    master = _master()
    nonce = os.urandom(12)
    data = plaintext.encode("utf-8")
    if sm4_available():
        key = _derive(b"xieshang-field-sm4", 16, master)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        body = enc.update(data) + enc.finalize() + enc.tag
        tag = "sm4"
    else:
        key = _derive(b"xieshang-field-aes", 32, master)
        body = AESGCM(key).encrypt(nonce, data, None)
        tag = "aes"
    return f"{tag}:{base64.b64encode(nonce + body).decode('ascii')}"


def decrypt(token: str) -> str:
    if not token:
        return ""
    tag, _, payload = token.partition(":")
    raw = base64.b64decode(payload)
    nonce, body = raw[:12], raw[12:]
    master = _master()
    if tag == "sm4":
        key = _derive(b"xieshang-field-sm4", 16, master)
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, body[-16:])).decryptor()
        return (dec.update(body[:-16]) + dec.finalize()).decode("utf-8")
    if tag == "aes":
        key = _derive(b"xieshang-field-aes", 32, master)
        return AESGCM(key).decrypt(nonce, body, None).decode("utf-8")
    raise ValueError("unknown ciphertext tag")


class Unreadable(str):
    """What a stored value reads as when it cannot be decrypted with the current FIELD_ENCRYPTION_KEY
    (a backup restored without its key, a damaged value): pages show 无法解密 instead of failing, masks
    show only stars, and saving the row again writes the original ciphertext back unchanged."""

    def __new__(cls, token: str):
        obj = super().__new__(cls, "********")
        obj.token = token
        return obj

    def __str__(self) -> str:
        return gettext("无法解密")

    def __html__(self) -> str:
        from django.utils.html import escape

        return escape(str(self))

    def __reduce__(self):
        return (Unreadable, (self.token,))


_unreadable_logged = False


def decrypt_or_unreadable(token: str) -> str:
    """decrypt(), or an Unreadable standing for the value when this key cannot decrypt it. The first
    failure in a process is logged (once, not per row: a wrong key fails on every value)."""
    global _unreadable_logged
    try:
        return decrypt(token)
    except (InvalidTag, ValueError):
        if not _unreadable_logged:
            _unreadable_logged = True
            logger.error(
                "an encrypted value cannot be decrypted with FIELD_ENCRYPTION_KEY: is it the key the data "
                "was written with? (shown as unreadable; further failures in this process are not logged)"
            )
        return Unreadable(token)


def key_matches(tokens) -> bool:
    """True if every one of these stored ciphertexts decrypts with the current key."""
    try:
        for token in tokens:
            decrypt(token)
    except (InvalidTag, ValueError):
        return False
    return True


def blind_index(value: str) -> str:
    """A keyed hash for exact-match lookups on an encrypted value (e.g. a phone number)."""
    if not value:
        return ""
    key = _derive(b"xieshang-blind-index", 32, _master())
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

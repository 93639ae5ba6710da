from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):
    """Stores text encrypted (core.crypto); reads give back the plaintext.

    `sensitive = True` keeps the value out of audit diffs. Encrypted values cannot be filtered on:
    pair the field with a blind index where an exact lookup is needed.
    """

    sensitive = True

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt_or_unreadable(value)

    def get_prep_value(self, value):
        if isinstance(value, crypto.Unreadable):
            return value.token  # never re-encrypt the placeholder over the stored value
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value))

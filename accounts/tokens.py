"""One-time activation links for accounts the office opens (the person sets their first password)."""

from datetime import timedelta

from constance import config
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Like Django's reset tokens (dead once a password is set), under its own salt and with the district's
    validity (ACCOUNT_ACTIVATION_DAYS): a reset link never activates an account, nor the reverse."""

    key_salt = "xieshang.accounts.tokens.ActivationTokenGenerator"

    @staticmethod
    def validity() -> timedelta:
        return timedelta(days=config.ACCOUNT_ACTIVATION_DAYS)

    def check_token(self, user, token) -> bool:
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.validity().total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


activation_token = ActivationTokenGenerator()

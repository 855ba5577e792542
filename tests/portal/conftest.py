import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """A mail server that refuses the next `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.portal.conftest.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0

"""E-mails leave the request: they are queued after commit as tasks that
send once, however often they run, and retry when the mail server fails."""

import logging
import re
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse

from portal.accounts import tasks as account_tasks
from portal.partners import tasks as partner_tasks
from portal.partners.models import Invitation

pytestmark = pytest.mark.django_db


def _invite(admin_client_partner, email="newbie@acme.example"):
    return admin_client_partner.post(reverse("partners:team"), {"email": email, "role": "user"})


def test_the_invitation_is_mailed_after_commit_not_in_the_request(
    admin_client_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert _invite(admin_client_partner).status_code == 302
    assert mail.outbox == []  # the request itself sent nothing
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    assert invitation.token_salt not in mail.outbox[0].body
    assert invitation.token_hash not in mail.outbox[0].body


def test_an_invitation_task_run_twice_sends_once(
    client, admin_client_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(admin_client_partner)
    invitation = Invitation.objects.get()
    assert partner_tasks.invitation_send.delay(invitation.pk).get() is False
    assert len(mail.outbox) == 1
    # The link rebuilt by the task is the one the invitation answers to.
    path = re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    assert client.get(path).status_code == 200


def test_a_failing_mail_server_means_a_retry_with_back_off_and_one_mail_later(
    admin_client_partner, django_capture_on_commit_callbacks, flaky_mail, caplog
):
    flaky_mail.failures = 1
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert _invite(admin_client_partner).status_code == 302
    # Without a broker the task ran inline: the failure is logged, the
    # invitation stays unsent, and the task asked to be retried later.
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None and mail.outbox == []
    assert "Retry in" in caplog.text and "connection unexpectedly closed" in caplog.text
    flaky_mail.failures = 1
    with pytest.raises(Retry) as retry:
        partner_tasks.invitation_send.apply((invitation.pk,))
    assert isinstance(retry.value.exc, smtplib.SMTPServerDisconnected)
    # Back-off with jitter: a random wait of up to the back-off, possibly 0.
    assert retry.value.when is not None and partner_tasks.invitation_send.retry_backoff
    # The retry, once the server is back, sends it; another run doesn't.
    assert partner_tasks.invitation_send.delay(invitation.pk).get() is True
    assert partner_tasks.invitation_send.delay(invitation.pk).get() is False
    assert len(mail.outbox) == 1


def test_the_password_reset_mail_is_queued_and_sent_once(
    client, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": partner_user.email})
    assert response.status_code == 302 and mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [partner_user.email]
    args = (
        partner_user.pk,
        "accounts/email/password_reset_subject.txt",
        "accounts/email/password_reset.txt",
    )
    # The same queued message delivered twice sends once.
    assert account_tasks.password_reset_mail_send.apply(args, task_id="t-1").get() is True
    assert account_tasks.password_reset_mail_send.apply(args, task_id="t-1").get() is False
    assert len(mail.outbox) == 2


def test_the_tasks_belong_to_the_project_app_and_are_time_limited():
    from assets.tasks import kits_lifecycle_tick
    from portal.celery import app
    from portal.landing.tasks import lead_notify

    for task in (
        kits_lifecycle_tick,
        lead_notify,
        partner_tasks.invitation_send,
        account_tasks.password_reset_mail_send,
    ):
        assert task.app is app and task.name in app.tasks
        assert 0 < task.soft_time_limit < task.time_limit

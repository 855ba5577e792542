"""The lead notification is a task queued after commit that sends once."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from portal.landing import tasks as landing_tasks
from portal.landing.models import Lead
from tests.factories import MembershipFactory
from tests.portal.landing.conftest import lead_data

pytestmark = pytest.mark.django_db


def test_a_lead_whose_mail_keeps_failing_is_kept_and_can_be_sent_later(
    client, published_page, partner, django_capture_on_commit_callbacks, flaky_mail, caplog
):
    MembershipFactory(organisation=partner)
    flaky_mail.failures = 100
    url = reverse(
        "landing:public_page", args=[published_page.organisation.slug, published_page.slug]
    )
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, lead_data())
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.notified_at is None and mail.outbox == []
    assert "could not run or be queued" in caplog.text
    flaky_mail.failures = 0
    assert landing_tasks.lead_notify.delay(lead.pk).get() == 1
    assert landing_tasks.lead_notify.delay(lead.pk).get() == 0
    assert len(mail.outbox) == 1


def test_the_lead_notification_is_queued_after_commit(
    client, published_page, django_capture_on_commit_callbacks
):
    url = reverse(
        "landing:public_page", args=[published_page.organisation.slug, published_page.slug]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, lead_data())
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1 and Lead.objects.get().notified_at is not None

"""Telling a partner's people about a new lead (plain-text e-mail)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from portal.core.text import one_line


def lead_notify(*, lead_id: int) -> int:
    """E-mail the active users of the lead's organisation, once. Returns how
    many were sent.

    Runs after the lead is committed, from a task: a mail failure never loses
    the lead. The lead is claimed (`notified_at`) before sending and released
    when sending fails, so the task's retry sends it and a second run sends
    nothing. A worker killed between claim and send loses that e-mail; the
    lead is still listed in the portal."""
    from portal.landing.models import Lead

    lead = (
        Lead.objects.select_related("organisation", "page__asset")
        .filter(pk=lead_id, notified_at__isnull=True)
        .first()
    )
    if lead is None:
        return 0
    if not Lead.objects.filter(pk=lead_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return 0
    try:
        return _send(lead)
    except BaseException:
        Lead.objects.filter(pk=lead_id).update(notified_at=None)
        raise


def _send(lead) -> int:
    recipients = sorted(
        {
            email
            for email in lead.organisation.memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
            if email
        }
    )
    if not recipients:
        return 0
    page_title = lead.page.asset.title if lead.page else "a landing page"
    link = settings.SITE_URL + reverse("landing:lead_detail", args=[lead.pk])
    # Plain text: what the visitor typed is shown as typed, never as HTML.
    body = "\n".join(
        [
            f"A visitor left their details on “{page_title}”.",
            "",
            f"Name:    {one_line(lead.name, 120)}",
            f"E-mail:  {one_line(lead.email, 254)}",
            f"Company: {one_line(lead.company, 150) or '-'}",
            "",
            "Message:",
            lead.message[:2000] or "-",
            "",
            f"See it in the portal: {link}",
        ]
    )
    subject = one_line(f"New lead from your page “{page_title}”", 150)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)

"""Telling a partner's people about a new lead (plain-text e-mail)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from portal.core.text import one_line

log = logging.getLogger(__name__)


def _one_line(value: str, length: int = 80) -> str:
    return one_line(value, length)


def lead_notify(*, lead_id: int) -> int:
    """E-mail the active users of the lead's organisation. Returns how many
    were sent. Runs after the lead is committed; a mail failure is logged and
    never loses the lead."""
    from portal.landing.models import Lead

    lead = Lead.objects.select_related("organisation", "page__asset").filter(pk=lead_id).first()
    if lead is None:
        return 0
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
            f"Name:    {_one_line(lead.name, 120)}",
            f"E-mail:  {_one_line(lead.email, 254)}",
            f"Company: {_one_line(lead.company, 150) or '-'}",
            "",
            "Message:",
            lead.message[:2000] or "-",
            "",
            f"See it in the portal: {link}",
        ]
    )
    subject = _one_line(f"New lead from your page “{page_title}”", 150)
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # noqa: BLE001 - any mail transport error; the lead is already stored
        log.exception("lead notification failed: lead=%s", lead_id)
        return 0

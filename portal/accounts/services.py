"""Writes for accounts: the password-reset e-mail."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts.models import User


def password_reset_mail_send(
    *,
    user_id: int,
    subject_template_name: str,
    email_template_name: str,
    html_email_template_name: str | None = None,
) -> bool:
    """E-mail a user a link to choose a new password. Returns whether it was sent.

    The link is made here, when the mail is sent, so the reset token never
    travels through the task queue; it points at SITE_URL, never at whatever
    host the request named. A user who can no longer reset (deactivated, no
    usable password) gets nothing, as Django's form would do."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme or "https",
    }
    subject = "".join(render_to_string(subject_template_name, context).splitlines())
    body = render_to_string(email_template_name, context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    if html_email_template_name:
        message.attach_alternative(render_to_string(html_email_template_name, context), "text/html")
    message.send()
    return True

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.identity import email_identity
from portal.core.client_ip import client_ip
from portal.core.counters import rate_exceeded
from portal.core.queue import queue_on_commit


class LoginForm(AuthenticationForm):
    """Sign in with an e-mail address. Throttling happens below the form, in
    authentication itself (portal/accounts/throttle.py), so that every way in
    is covered."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most PASSWORD_RESET_LIMIT_PER_ADDRESS
    e-mails to one address and PASSWORD_RESET_LIMIT_PER_CLIENT requests' worth
    from one client per MAIL_RATE_WINDOW_SECONDS. The page answers the same
    whether the address is known, unknown or over its limit."""

    def save(self, *args, request=None, **kwargs):
        window = settings.MAIL_RATE_WINDOW_SECONDS
        address = email_identity(self.cleaned_data["email"])
        # Both are counted every time, so neither limit can be spent around the other.
        over_address = rate_exceeded(
            "password-reset:address",
            address,
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window=window,
        )
        over_client = rate_exceeded(
            "password-reset:client",
            client_ip(request) if request is not None else "",
            limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
            window=window,
        )
        if over_address or over_client:
            return
        super().save(*args, request=request, **kwargs)


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            from portal.accounts.models import User

            probe = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class QueuedPasswordResetForm(RateLimitedPasswordResetForm):
    """The rate-limited password-reset form, with the e-mail sent by a task
    after the request rather than in it. The task gets the user's id and builds the
    link itself (portal/accounts/services.py)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from portal.accounts import tasks

        queue_on_commit(
            tasks.password_reset_mail_send,
            context["user"].pk,
            subject_template_name,
            email_template_name,
            html_email_template_name,
        )

"""Sign-in throttling for every way in (the portal's login page, the admin's
login, any other `authenticate()` call), done by django-axes.

Failures are recorded in the database (``axes.AccessAttempt``) under two
keys: the address tried, in its one comparable form (identity.py), and the
client address as portal/core/client_ip.py works it out. An address is
locked after LOGIN_FAILURE_LIMIT failures in LOGIN_FAILURE_WINDOW_SECONDS;
a client after LOGIN_CLIENT_FAILURE_FACTOR times as many, so one office
behind one address can still sign in. While locked, passwords are not even
checked. README ("Operations") says how to unlock."""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db.models import Sum

from portal.accounts.identity import email_identity
from portal.core.client_ip import client_ip

# The order get_user_attempts() returns them in.
LOCKOUT_PARAMETERS = ["username", "ip_address"]


def axes_username(request, credentials: dict | None) -> str:
    """The identity axes records and checks: what the sign-in form posted
    (``username``), or what `authenticate()` was given."""
    if credentials and credentials.get("username") is not None:
        value = credentials["username"]
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get("username", "")
    return email_identity(str(value))


def axes_client_ip(request) -> str | None:
    """The client address (portal/core/client_ip.py) when it is one: axes
    stores it in an address column, which refuses anything else."""
    value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a looser limit per client address, and a
    success that forgives only the signed-in address's failures."""

    def get_failures(self, request, credentials=None) -> int:
        by_identity, by_client = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_identity, by_client // max(1, settings.LOGIN_CLIENT_FAILURE_FACTOR))

    def reset_user_attempts(self, request, credentials=None) -> int:
        # The client's other failures stay: signing in to one account of
        # one's own must not buy more guesses at everyone else's.
        identity = get_client_username(request, credentials)
        return self.reset_attempts(username=identity) if identity else 0

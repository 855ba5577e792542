"""Who is asking: every partner-facing view starts here.

`partner_membership` is the decision (signed in, a member, organisation
active, a partner admin where asked); `partner_required` applies it to a
view. Its refusals are CobrandErrors, answered by the error handler
(portal/middleware.py) like any other."""

from functools import wraps

from portal.core.errors import CobrandError, NotFound
from portal.partners.models import Membership


class NotSignedIn(CobrandError):
    """Answered with the login page, coming back here after."""

    status = 401
    title = "Sign in"


class NoMembership(CobrandError):
    status = 403
    title = "No partner organisation"
    template = "partners/no_membership.html"


class PartnerSuspended(CobrandError):
    status = 403
    title = "Access suspended"
    template = "partners/suspended.html"


def current_membership(user) -> Membership | None:
    """The user's membership, its organisation loaded with it."""
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        return None


def partner_membership(user, *, admin: bool = False) -> Membership:
    """The membership of a signed-in member of an active partner organisation.

    Raises NotSignedIn for anonymous users, NoMembership for users (staff
    included) without one, PartnerSuspended for a suspended organisation's
    users, and with `admin=True` NotFound for partner users who are not
    partner admins."""
    if not user.is_authenticated:
        raise NotSignedIn("Sign in to open this page.")
    membership = current_membership(user)
    if membership is None:
        raise NoMembership("Your account isn't part of a partner organisation.")
    if not membership.organisation.is_active:
        raise PartnerSuspended("Your organisation's access is suspended.")
    if admin and not membership.is_partner_admin:
        raise NotFound("Only partner admins can open this page.")
    return membership


def partner_required(view=None, *, admin: bool = False):
    """Require partner_membership(); sets `request.membership` and `request.partner`."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            membership = partner_membership(request.user, admin=admin)
            request.membership = membership
            request.partner = membership.organisation
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator

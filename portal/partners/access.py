"""Who is asking: every partner-facing view starts here.

`partner_membership` is the decision (signed in, a member, organisation
active, a partner admin where asked); `partner_required` applies it to a
view. Its refusals are CobrandErrors, answered by the error handler
(portal/middleware.py) like any other."""

from functools import wraps

from portal.core import log_context
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


class AdminsOnly(CobrandError):
    """A partner user asked to change what only partner admins may change."""

    status = 403
    title = "Partner admins only"


def current_membership(user) -> Membership | None:
    """The user's membership, its organisation loaded with it."""
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        return None


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def partner_membership(
    user, *, admin: bool = False, admin_to_change: bool = False, method: str = "GET"
) -> Membership:
    """The membership of a signed-in member of an active partner organisation.

    Raises NotSignedIn for anonymous users, NoMembership for users (staff
    included) without one, PartnerSuspended for a suspended organisation's
    users; with `admin=True` NotFound for partner users who are not partner
    admins; with `admin_to_change=True` every member may read but a partner
    user's changing `method` (POST…) raises AdminsOnly."""
    if not user.is_authenticated:
        raise NotSignedIn("Sign in to open this page.")
    membership = current_membership(user)
    if membership is None:
        raise NoMembership("Your account isn't part of a partner organisation.")
    log_context.bind(user_id=user.pk, partner=membership.organisation.slug)
    if not membership.organisation.is_active:
        raise PartnerSuspended("Your organisation's access is suspended.")
    if admin and not membership.is_partner_admin:
        raise NotFound("Only partner admins can open this page.")
    if admin_to_change and method not in SAFE_METHODS and not membership.is_partner_admin:
        raise AdminsOnly("Only your organisation's partner admins can change this.")
    return membership


def partner_required(view=None, *, admin: bool = False, admin_to_change: bool = False):
    """Require partner_membership(); sets `request.membership` and `request.partner`."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            membership = partner_membership(
                request.user, admin=admin, admin_to_change=admin_to_change, method=request.method
            )
            request.membership = membership
            request.partner = membership.organisation
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator

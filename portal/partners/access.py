"""Who is asking: every partner-facing view starts here."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from portal.partners.models import Membership


def current_membership(user) -> Membership | None:
    """The user's membership, its organisation loaded with it."""
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        return None


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def partner_required(view=None, *, admin: bool = False, admin_to_change: bool = False):
    """Require a signed-in member of an active partner organisation.

    Sets `request.membership` and `request.partner`. Anonymous users go to the
    login page; staff without a membership get a page pointing at the admin; a
    suspended organisation's users see a notice and nothing else; `admin=True`
    views answer 404 to partner users who are not partner admins;
    `admin_to_change=True` views let every member read but answer 403 to a
    partner user's POST (or any other changing method)."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request.user)
            if membership is None:
                return render(request, "partners/no_membership.html", status=403)
            if not membership.organisation.is_active:
                return render(request, "partners/suspended.html", status=403)
            if admin and not membership.is_partner_admin:
                raise Http404("Only partner admins can open this page.")
            if (
                admin_to_change
                and request.method not in SAFE_METHODS
                and not membership.is_partner_admin
            ):
                raise PermissionDenied("Only partner admins can change this.")
            request.membership = membership
            request.partner = membership.organisation
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator

"""Who may use the workspace: active staff in the Marketing admins group
(or superusers). Everyone else gets the site's 404, whether signed in as a
partner or as other staff, so the workspace's addresses reveal nothing."""

from functools import wraps

from assets.roles import MARKETING_ADMINS
from portal.core.errors import NotFound
from portal.partners.access import NotSignedIn


def is_marketing_admin(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=MARKETING_ADMINS).exists()


def workspace_user_check(user) -> None:
    """Raise unless `user` may use the workspace: anonymous visitors are
    sent to sign in, anyone else who may not gets a 404."""
    if not user.is_authenticated:
        raise NotSignedIn("Sign in to open the workspace.")
    if not is_marketing_admin(user):
        raise NotFound("No such page.")


def workspace_required(view):
    """Apply workspace_user_check() to a view, in the view itself (not only in
    the menu)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        workspace_user_check(request.user)
        return view(request, *args, **kwargs)

    return wrapper

from django.conf import settings

from portal.partners.access import current_membership


def current_partner(request):
    # Error pages (a 400 for a bad Host header, say) render before the
    # authentication middleware has run: there may be no request.user yet.
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None) or (
        current_membership(user) if user is not None else None
    )
    return {
        "membership": membership,
        "partner": membership.organisation if membership else None,
        "vendor_name": settings.VENDOR_NAME,
    }

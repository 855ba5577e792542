from django.conf import settings

from portal.partners.access import current_membership


def current_partner(request):
    membership = getattr(request, "membership", None) or current_membership(request.user)
    return {
        "membership": membership,
        "partner": membership.organisation if membership else None,
        "vendor_name": settings.VENDOR_NAME,
    }

from django.shortcuts import render

from assets import selectors as asset_selectors
from portal.partners import selectors, services
from portal.partners.access import partner_required


@partner_required
def dashboard(request):
    profile = services.brand_profile_for(request.partner)
    return render(
        request,
        "home/dashboard.html",
        {
            "new_kits": asset_selectors.new_kits_for(request.partner),
            "profile": profile,
            "missing": selectors.brand_profile_missing(profile),
            "completeness": selectors.brand_profile_completeness(profile),
        },
    )

from django.contrib import admin
from django.urls import include, path

from portal import views

admin.site.site_header = "Cobrand marketing admin"
admin.site.site_title = "Cobrand admin"
admin.site.index_title = "Campaign kits, partners and reports"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("portal.accounts.urls")),
    path("workspace/", include("portal.workspace.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("portal.home.urls")),
    path("", include("portal.partners.urls")),
    path("", include("assets.urls")),
    path("", include("portal.landing.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

from django.urls import path

from portal.landing import views

app_name = "landing"

urlpatterns = [
    # Partner side.
    path("landing-pages/", views.page_list, name="page_list"),
    path("landing-pages/assets/<int:asset_pk>/", views.editor, name="editor"),
    path("landing-pages/assets/<int:asset_pk>/preview/", views.preview, name="preview"),
    path("landing-pages/<int:pk>/unpublish/", views.page_unpublish, name="page_unpublish"),
    path("landing-pages/<int:pk>/qr.png", views.page_qr, name="page_qr"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/export.csv", views.lead_export, name="lead_export"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    # Public pages, no sign-in.
    path("p/<slug:partner_slug>/<slug:page_slug>/", views.public_page, name="public_page"),
    path(
        "p/<slug:partner_slug>/<slug:page_slug>/thanks/", views.public_thanks, name="public_thanks"
    ),
    path("p/<slug:partner_slug>/<slug:page_slug>/logo.png", views.public_logo, name="public_logo"),
    path(
        "p/<slug:partner_slug>/<slug:page_slug>/social.png",
        views.public_social,
        name="public_social",
    ),
]

from django.urls import path

from portal.partners import views

app_name = "partners"

urlpatterns = [
    path("brand/", views.brand_profile, name="brand_profile"),
    path("brand/<str:variant>.png", views.brand_logo, name="brand_logo"),
    path("team/", views.team, name="team"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # Under /accounts/ beside sign-in, where the e-mailed link has always pointed.
    path("accounts/invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

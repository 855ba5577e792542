from django.urls import path

from portal.partners import views

app_name = "partners"

urlpatterns = [
    path("brand/", views.brand_profile, name="brand_profile"),
    path("brand/<str:variant>.png", views.brand_logo, name="brand_logo"),
    path("team/", views.team, name="team"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]

from django.urls import path

from portal.workspace.views import kits

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path("kits/new/", kits.kit_create, name="kit_create"),
    path("kits/reach/", kits.kit_audience_reach, name="kit_audience_reach"),
    path("kits/<int:pk>/", kits.kit_detail, name="kit_detail"),
    path("kits/<int:pk>/edit/", kits.kit_edit, name="kit_edit"),
    path("kits/<int:pk>/cover/", kits.kit_cover, name="kit_cover"),
    path("kits/<int:pk>/publish/", kits.kit_publish, name="kit_publish"),
    path("kits/<int:pk>/schedule/", kits.kit_schedule, name="kit_schedule"),
    path("kits/<int:pk>/expire/", kits.kit_expire, name="kit_expire"),
    path("kits/<int:pk>/archive/", kits.kit_archive, name="kit_archive"),
    path("kits/<int:pk>/duplicate/", kits.kit_duplicate, name="kit_duplicate"),
    path("assets/<int:pk>/thumbnail/", kits.asset_thumbnail, name="asset_thumbnail"),
]

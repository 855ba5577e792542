from django.urls import path

from portal.workspace.views import assets, kits

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path("kits/<int:pk>/upload/", assets.asset_upload, name="asset_upload"),
    path("kits/<int:pk>/upload/file/", assets.asset_upload_file, name="asset_upload_file"),
    path("assets/<int:pk>/", assets.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/thumbnail/", assets.asset_thumbnail, name="asset_thumbnail"),
]

from django.urls import path

from assets import views

app_name = "assets"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("kits/<int:pk>/", views.kit_detail, name="kit_detail"),
    path("kits/<int:pk>/cover/", views.kit_cover, name="kit_cover"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("kits/<int:pk>/download/", views.kit_download, name="kit_download"),
    path("kits/<int:pk>/download/status/", views.kit_zip_status, name="kit_zip_status"),
    path("assets/<int:pk>/fields/", views.asset_fields, name="asset_fields"),
    path("assets/<int:pk>/preview.png", views.asset_preview, name="asset_preview"),
    path("assets/<int:pk>/download/<str:output_format>/", views.asset_render, name="asset_render"),
    path("assets/<int:pk>/thumbnail/", views.asset_thumbnail, name="asset_thumbnail"),
    path("assets/<int:pk>/download/", views.asset_download, name="asset_download"),
    path("lessons/<int:pk>/complete/", views.lesson_complete, name="lesson_complete"),
    path("lessons/<int:pk>/file/", views.lesson_attachment, name="lesson_attachment"),
]

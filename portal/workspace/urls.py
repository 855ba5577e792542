from django.urls import path

from portal.workspace.views import assets, kits, prerender, transfer, zones

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path("kits/<int:pk>/upload/", assets.asset_upload, name="asset_upload"),
    path("kits/<int:pk>/upload/file/", assets.asset_upload_file, name="asset_upload_file"),
    path("assets/<int:pk>/", assets.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/thumbnail/", assets.asset_thumbnail, name="asset_thumbnail"),
    path("kits/<int:pk>/export/", transfer.kit_export_download, name="kit_export"),
    path("kits/import/", transfer.kit_import_page, name="kit_import"),
    path("assets/<int:pk>/zones/", zones.zone_editor, name="zone_editor"),
    path(
        "assets/<int:pk>/zones/page-<int:page>.png", zones.zone_page_image, name="zone_page_image"
    ),
    path("layout.schema.json", zones.layout_schema, name="layout_schema"),
]

from portal.workspace.views import preview, publishing, rules  # noqa: E402

urlpatterns += [
    path("assets/<int:pk>/preview/", preview.asset_preview, name="asset_preview"),
    path("assets/<int:pk>/preview/page/", preview.asset_preview_page, name="asset_preview_page"),
    path("assets/<int:pk>/preview/frame/", preview.asset_preview_frame, name="asset_preview_frame"),
    path("kits/<int:pk>/check/", publishing.kit_check, name="kit_check"),
    path("kits/<int:pk>/rules/", rules.kit_rules, name="kit_rules"),
    path("rules/", rules.rules, name="rules"),
    path("kits/new/", kits.kit_create, name="kit_create"),
    path("kits/reach/", kits.kit_audience_reach, name="kit_audience_reach"),
    path("kits/<int:pk>/", kits.kit_detail, name="kit_detail"),
    path("kits/<int:pk>/edit/", kits.kit_edit, name="kit_edit"),
    path("kits/<int:pk>/cover/", kits.kit_cover, name="kit_cover"),
    path("kits/<int:pk>/publish/", publishing.kit_publish, name="kit_publish"),
    path("kits/<int:pk>/schedule/", kits.kit_schedule, name="kit_schedule"),
    path("kits/<int:pk>/expire/", kits.kit_expire, name="kit_expire"),
    path("kits/<int:pk>/archive/", kits.kit_archive, name="kit_archive"),
    path("kits/<int:pk>/duplicate/", kits.kit_duplicate, name="kit_duplicate"),
    path(
        "kits/<int:pk>/prerender/",
        prerender.kit_prerender_failures,
        name="kit_prerender_failures",
    ),
]

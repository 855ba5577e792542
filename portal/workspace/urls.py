from django.urls import path

from portal.workspace.views import kits

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
]

from portal.workspace.views import preview, publishing, rules  # noqa: E402

urlpatterns += [
    path("assets/<int:pk>/preview/", preview.asset_preview, name="asset_preview"),
    path("assets/<int:pk>/preview/page/", preview.asset_preview_page, name="asset_preview_page"),
    path("assets/<int:pk>/preview/frame/", preview.asset_preview_frame, name="asset_preview_frame"),
    path("kits/<int:pk>/check/", publishing.kit_check, name="kit_check"),
    path(
        "kits/<int:pk>/publish/confirm/", publishing.kit_publish_confirm, name="kit_publish_confirm"
    ),
    path("kits/<int:pk>/rules/", rules.kit_rules, name="kit_rules"),
    path("rules/", rules.rules, name="rules"),
]

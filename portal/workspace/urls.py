from django.urls import path

from portal.workspace.views import kits, zones

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path("assets/<int:pk>/zones/", zones.zone_editor, name="zone_editor"),
    path(
        "assets/<int:pk>/zones/page-<int:page>.png", zones.zone_page_image, name="zone_page_image"
    ),
    path("layout.schema.json", zones.layout_schema, name="layout_schema"),
]

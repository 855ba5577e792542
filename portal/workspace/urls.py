from django.urls import path

from portal.workspace.views import kits, transfer

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path("kits/<int:pk>/export/", transfer.kit_export_download, name="kit_export"),
    path("kits/import/", transfer.kit_import_page, name="kit_import"),
]

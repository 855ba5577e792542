from django.urls import path

from portal.workspace.views import kits

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
]

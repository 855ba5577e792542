from django.urls import path

from portal.workspace.views import kits, prerender

app_name = "workspace"

urlpatterns = [
    path("", kits.kit_list, name="kit_list"),
    path(
        "kits/<int:pk>/prerender/",
        prerender.kit_prerender_failures,
        name="kit_prerender_failures",
    ),
]

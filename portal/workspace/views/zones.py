"""The zone editor: zones drawn over the pages of a designed PDF or an image.

The page pictures are rendered here on the server; the browser validates
against the layout JSON Schema served by `layout_schema`, and the save is
checked again by the asset's kind before a new version is made."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assets.rendering import layout_schema as schema
from portal.core.errors import CobrandError
from portal.workspace import selectors, services
from portal.workspace.access import workspace_required


@workspace_required
@require_http_methods(["GET", "POST"])
def zone_editor(request, pk):
    """GET: the editor. POST (JSON `{"layout": [...], "version": N}`): save
    the zones as a new version; errors come back as JSON naming the zone."""
    asset = selectors.layout_asset(pk)
    if request.method == "POST":
        return _save(request, asset)
    editor = selectors.zone_editor(asset=asset)
    return render(
        request,
        "workspace/zone_editor.html",
        {
            "editor": editor,
            "asset": asset,
            "editor_data": {
                "unit": editor.unit,
                "pages": [
                    {
                        "number": p.number,
                        "width": p.width,
                        "height": p.height,
                        "src": _page_url(asset, editor, p.number, "page"),
                        "thumb": _page_url(asset, editor, p.number, "thumb"),
                    }
                    for p in editor.pages
                ],
                "layout": editor.layout,
                "version": editor.version.number if editor.version else None,
                "resources": editor.resource_names,
                "variables": editor.fields + editor.variables,
                "fields": [f["name"] for f in editor.fields],
            },
        },
    )


def _page_url(asset, editor, number: int, size: str) -> str:
    url = reverse("workspace:zone_page_image", kwargs={"pk": asset.pk, "page": number})
    return f"{url}?size={size}&v={editor.base_hash[:16]}"


def _errors(status: int, problems) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"zone": zone, "message": message} for zone, message in problems]},
        status=status,
    )


def _save(request, asset):
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or "layout" not in body:
        return _errors(400, [(None, 'Send the zones as JSON: {"layout": [...]}.')])
    based_on = body.get("version")
    if based_on is not None and (type(based_on) is not int):
        return _errors(400, [(None, "The version must be a whole number.")])
    try:
        version = services.asset_layout_save(
            asset=asset, layout=body["layout"], by=request.user, based_on=based_on
        )
    except services.LayoutRefused as exc:
        return _errors(exc.status, [(p.zone, p.message) for p in exc.problems])
    except CobrandError as exc:
        return _errors(exc.status, [(None, exc.message)])
    return JsonResponse(
        {
            "version": version.number,
            "layout": version.layout,
            "message": f"Saved: the zones are in version {version.number}.",
        }
    )


@workspace_required
@require_GET
def zone_page_image(request, pk, page):
    """PNG of page `page` of the asset's current base (`?size=thumb` for the
    page strip). Cached by the base's hash; `?v=` with that hash lets the
    browser keep it."""
    asset = selectors.layout_asset(pk)
    data = selectors.zone_page_png(asset=asset, page=page, size=request.GET.get("size", "page"))
    response = HttpResponse(data, content_type="image/png")
    base = selectors.layout_base(asset)
    if base is not None and request.GET.get("v") == base.sha256[:16]:
        response["Cache-Control"] = "private, max-age=604800, immutable"
    else:
        response["Cache-Control"] = "private, no-cache"
    return response


@workspace_required
@require_GET
def layout_schema(request):
    """The layout JSON Schema the server validates with, for the browser."""
    return HttpResponse(json.dumps(schema()), content_type="application/json")

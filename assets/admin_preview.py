"""'Preview as partner' for marketing admins: any asset, rendered for any
partner or with sample values, with warnings about text that won't fit."""

import dataclasses

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from assets import renditions
from assets.models import Asset
from assets.rendering import RenderError
from portal.core.files import serve_stored_file
from portal.partners.models import PartnerOrganisation

SAMPLE = renditions.SAMPLE


class PreviewAsForm(forms.Form):
    partner = forms.ChoiceField(label="Preview as")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [
            (SAMPLE, "Sample values"),
            *((str(p.pk), str(p)) for p in PartnerOrganisation.objects.order_by("name")),
        ]


def _request_for(asset: Asset, who: str, output_format: str | None):
    return renditions.preview_request(asset=asset, who=who, output_format=output_format)


def _asset_for(model_admin, request, pk) -> Asset:
    asset = get_object_or_404(Asset.objects.select_related("kit", "current_version"), pk=pk)
    if not model_admin.has_view_permission(request, asset):
        raise PermissionDenied
    if not asset.kind_spec.renderable or asset.current_version is None:
        raise Http404("This asset has no co-branded output.")
    return asset


def preview_page(model_admin, request, pk):
    asset = _asset_for(model_admin, request, pk)
    form = PreviewAsForm(request.GET or {"partner": SAMPLE})
    who = form.data.get("partner", SAMPLE) if form.is_valid() else SAMPLE
    problem, warnings = "", []
    try:
        render_request = _request_for(asset, who, None)
        warnings = asset.kind_spec.fit_warnings(asset.current_version, render_request.ctx)
        renditions.rendition_get_or_create(
            dataclasses.replace(render_request, output_format=renditions.PREVIEW)
        )
    except RenderError as exc:
        problem = exc.message
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Preview “{asset.title}”",
        "asset": asset,
        "form": form,
        "who": who,
        "problem": problem,
        "warnings": warnings,
        "formats": renditions.formats_for(asset),
    }
    return TemplateResponse(request, "admin/assets/asset/preview.html", context)


def preview_file(model_admin, request, pk, who, output_format):
    asset = _asset_for(model_admin, request, pk)
    if output_format not in (*renditions.formats_for(asset), renditions.PREVIEW):
        raise Http404("No such format.")
    # A render problem reaches the error handler: a 409 page with its message.
    rendition = renditions.rendition_get_or_create(_request_for(asset, who, output_format))
    return serve_stored_file(
        rendition.file,
        filename=rendition.filename,
        content_type=rendition.content_type,
        inline=output_format == renditions.PREVIEW,
    )

"""Partner-facing views of the asset library. Every lookup goes through a
selector scoped to the partner, so anything not meant for it is a 404."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assets import downloads, renditions, selectors, services
from assets.fields import fields_form_for
from assets.forms import LibraryFilterForm
from assets.kinds import keys_where
from assets.kit_bundle import KitZip, kit_bundle_shown
from assets.models import KitBundle
from portal.core.files import serve_stored_file, serve_stored_name
from portal.core.paging import CappedPaginator
from portal.partners.access import partner_required

LIBRARY_PAGE_SIZE = 24
#: The library counts at most this many matches past the page shown (then
#: says "more than"), so a page costs the same however large the library.
LIBRARY_COUNT_CAP = 240


@partner_required
def library(request):
    options = selectors.library_filter_options(request.partner)
    form = LibraryFilterForm(request.GET or None, kits=options["kits"], tags=options["tags"])
    filters = form.cleaned_filters() if form.is_valid() else {}
    assets = selectors.library_search(request.partner, **filters)
    paginator = CappedPaginator(assets, LIBRARY_PAGE_SIZE, cap=LIBRARY_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assets/library.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )


@partner_required
def kit_detail(request, pk: int):
    kit = get_object_or_404(
        selectors.kits_visible_to(request.partner).prefetch_related("tags"), pk=pk
    )
    return render(
        request,
        "assets/kit_detail.html",
        {
            "kit": kit,
            "assets": selectors.kit_assets(kit),
            "bundle": kit_bundle_shown(kit=kit, partner=request.partner),
        },
    )


@partner_required
def kit_cover(request, pk: int):
    kit = get_object_or_404(selectors.kits_visible_to(request.partner), pk=pk)
    return serve_stored_file(
        kit.cover_image, filename=f"kit-{kit.pk}-cover{_suffix(kit.cover_image.name)}", inline=True
    )


@partner_required
def asset_detail(request, pk: int):
    asset = get_object_or_404(selectors.assets_visible_to(request.partner), pk=pk)
    return render(request, "assets/asset_detail.html", _detail_context(request, asset))


def _detail_context(request, asset, fields_form=None) -> dict:
    spec = asset.kind_spec
    context = {"asset": asset, "kit": asset.kit}
    context.update(spec.partner_detail_context(asset, request.partner, request.user))
    if spec.renderable:
        context["fields_form"] = fields_form or fields_form_for(asset, request.partner)
    return context


@partner_required
def asset_fields(request, pk: int):
    """Save the partner's values for the asset's editable fields."""
    asset = get_object_or_404(selectors.assets_visible_to(request.partner), pk=pk)
    form = fields_form_for(asset, request.partner, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.field_values_save(
            asset=asset, partner=request.partner, values=form.raw_values(), by=request.user
        )
        messages.success(request, "Your choices are saved; the preview and downloads use them.")
        return redirect("assets:asset_detail", pk=asset.pk)
    return render(
        request,
        "assets/asset_detail.html",
        _detail_context(request, asset, fields_form=form),
        status=400 if request.method == "POST" else 200,
    )


@partner_required
def asset_preview(request, pk: int):
    """A PNG of the co-branded result (first page for PDFs)."""
    asset = get_object_or_404(_renderable(request.partner), pk=pk)
    rendition = renditions.render_for_partner(
        asset=asset, partner=request.partner, output_format=renditions.PREVIEW
    )
    return serve_stored_file(
        rendition.file, filename=rendition.filename, content_type="image/png", inline=True
    )


def asset_render(request, pk: int, output_format: str):
    """Download the partner's co-branded file (assets/downloads.py decides)."""
    download = downloads.download_open(
        session=request.session, user=request.user, asset_id=pk, output_format=output_format
    )
    return _send(download)


def kit_download(request, pk: int):
    """One ZIP of every asset in the kit, co-branded for this partner: sent
    at once when it can be, else prepared in the background while the kit
    page shows how far it got."""
    result = downloads.kit_download_open(user=request.user, kit_id=pk)
    if isinstance(result, KitZip):
        response = FileResponse(
            result.file,
            as_attachment=True,
            filename=result.filename,
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, max-age=0"
        return response
    if result.status == KitBundle.Status.FAILED:
        messages.warning(request, result.message or "The ZIP could not be prepared.")
    else:
        messages.info(request, "We're preparing your ZIP: it will be offered here when it's ready.")
    return redirect(reverse("assets:kit_detail", args=[pk]) + "#kit-zip")


def kit_zip_status(request, pk: int):
    """How far the partner's ZIP of the kit got (polled by the kit page)."""
    kit, bundle = downloads.kit_bundle_status(user=request.user, kit_id=pk)
    response = render(request, "assets/_kit_zip_status.html", {"kit": kit, "bundle": bundle})
    response["Cache-Control"] = "private, no-store"
    return response


def _send(download: downloads.Download):
    return serve_stored_name(
        download.storage,
        download.name,
        filename=download.filename,
        content_type=download.content_type or None,
        handle=download.handle,
    )


def _renderable(partner):
    return selectors.assets_visible_to(partner).filter(kind__in=keys_where("renderable"))


@partner_required
def asset_thumbnail(request, pk: int):
    asset = get_object_or_404(selectors.assets_visible_to(request.partner), pk=pk)
    return serve_stored_file(
        asset.thumbnail, filename=f"asset-{asset.pk}{_suffix(asset.thumbnail.name)}", inline=True
    )


def asset_download(request, pk: int):
    """The plain file of a `file` asset (co-branded kinds download their rendition)."""
    return _send(downloads.file_download_open(user=request.user, asset_id=pk))


@require_POST
@partner_required
def lesson_complete(request, pk: int):
    lesson = get_object_or_404(selectors.lessons_visible_to(request.partner), pk=pk)
    if request.POST.get("undo"):
        services.lesson_mark_incomplete(lesson=lesson, user=request.user)
    else:
        services.lesson_mark_complete(lesson=lesson, user=request.user)
        messages.success(request, f"“{lesson.title}” is marked as done.")
    return redirect(reverse("assets:asset_detail", args=[lesson.asset_id]) + f"#lesson-{lesson.pk}")


@partner_required
def lesson_attachment(request, pk: int):
    lesson = get_object_or_404(selectors.lessons_visible_to(request.partner), pk=pk)
    filename = downloads.download_name(
        lesson.title, lesson.attachment_name or lesson.attachment.name
    )
    inline = lesson.is_video
    return serve_stored_file(lesson.attachment, filename=filename, inline=inline)


def _suffix(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower()

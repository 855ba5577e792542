"""Partner-facing views of the asset library. Every lookup goes through a
selector scoped to the partner, so anything not meant for it is a 404."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from assets import download_passes, kit_bundle, renditions, selectors, services
from assets.fields import fields_form_for
from assets.forms import LibraryFilterForm
from assets.kinds import keys_where
from assets.models import Rendition
from assets.rendering.errors import RenderError
from portal.core.files import serve_stored_file, serve_stored_name
from portal.partners.access import partner_required

LIBRARY_PAGE_SIZE = 24


@partner_required
def library(request):
    options = selectors.library_filter_options(request.partner)
    form = LibraryFilterForm(request.GET or None, kits=options["kits"], tags=options["tags"])
    filters = form.cleaned_filters() if form.is_valid() else {}
    assets = selectors.library_search(request.partner, **filters)
    page = Paginator(assets, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
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
        request, "assets/kit_detail.html", {"kit": kit, "assets": selectors.kit_assets(kit)}
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
    try:
        rendition = renditions.render_for_partner(
            asset=asset, partner=request.partner, output_format=renditions.PREVIEW
        )
    except RenderError as exc:
        return _render_problem(request, exc, asset=asset)
    return serve_stored_file(
        rendition.file, filename=rendition.filename, content_type="image/png", inline=True
    )


def asset_render(request, pk: int, output_format: str):
    """Download the partner's co-branded file.

    A repeat download with a valid pass (assets/download_passes.py) skips
    straight to the file; anything else takes the fully checked path."""
    download_pass = download_passes.pass_find(
        request.session, asset_id=pk, output_format=output_format
    )
    if download_pass is not None:
        try:
            response = serve_stored_name(
                Rendition.file.field.storage,
                download_pass.stored_name,
                filename=download_pass.filename,
                content_type=download_pass.content_type,
            )
        except Http404:
            # The file went missing: forget the pass, render it again.
            download_passes.pass_forget(request.session, asset_id=pk, output_format=output_format)
        else:
            services.download_record(download_pass.event())
            return response
    return _asset_render_checked(request, pk, output_format)


@partner_required
def _asset_render_checked(request, pk: int, output_format: str):
    # Read before the checks: a change committed while they run retires the pass.
    generation = download_passes.GENERATION.current()
    asset = get_object_or_404(_renderable(request.partner), pk=pk)
    if output_format not in renditions.formats_for(asset):
        raise Http404("No such format for this asset.")
    try:
        rendition = renditions.render_for_partner(
            asset=asset, partner=request.partner, output_format=output_format
        )
    except RenderError as exc:
        return _render_problem(request, exc, asset=asset)
    response = serve_stored_file(
        rendition.file, filename=rendition.filename, content_type=rendition.content_type
    )
    services.download_record(
        services.download_event(
            user=request.user,
            organisation=request.partner,
            asset=asset,
            file_name=rendition.filename,
        )
    )
    download_passes.pass_issue(
        request.session,
        generation=generation,
        user_id=request.user.pk,
        asset=asset,
        output_format=output_format,
        rendition=rendition,
    )
    return response


@partner_required
def kit_download(request, pk: int):
    """One ZIP of every asset in the kit, co-branded for this partner."""
    kit = get_object_or_404(selectors.kits_visible_to(request.partner), pk=pk)
    try:
        bundle = kit_bundle.kit_zip_for_partner(kit=kit, partner=request.partner, user=request.user)
    except RenderError as exc:
        return _render_problem(request, exc, kit=kit)
    response = FileResponse(
        bundle.file, as_attachment=True, filename=bundle.filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


def _render_problem(request, exc: RenderError, *, asset=None, kit=None):
    """The profile lacks something, or the render failed: say what, hand out nothing."""
    return render(
        request,
        "assets/render_problem.html",
        {"asset": asset, "kit": kit, "problem": exc.message},
        status=409,
    )


def _renderable(partner):
    return selectors.assets_visible_to(partner).filter(kind__in=keys_where("renderable"))


@partner_required
def asset_thumbnail(request, pk: int):
    asset = get_object_or_404(selectors.assets_visible_to(request.partner), pk=pk)
    return serve_stored_file(
        asset.thumbnail, filename=f"asset-{asset.pk}{_suffix(asset.thumbnail.name)}", inline=True
    )


@partner_required
def asset_download(request, pk: int):
    """The plain file of a `file` asset (co-branded kinds download their rendition)."""
    asset = get_object_or_404(
        selectors.assets_visible_to(request.partner).filter(kind__in=keys_where("plain_download")),
        pk=pk,
    )
    version = asset.current_version
    filename = _download_name(asset.title, version.source_name)
    response = serve_stored_file(version.source_file, filename=filename)
    services.download_record(
        services.download_event(
            user=request.user, organisation=request.partner, asset=asset, file_name=filename
        )
    )
    return response


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
    filename = _download_name(lesson.title, lesson.attachment_name or lesson.attachment.name)
    inline = lesson.is_video
    return serve_stored_file(lesson.attachment, filename=filename, inline=inline)


def _suffix(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower()


def _download_name(title: str, original: str) -> str:
    """A readable download name from the title, keeping the file's extension."""
    return (slugify(title)[:80] or "download") + _suffix(original)

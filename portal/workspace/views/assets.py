"""Assets in the workspace: bulk upload into a kit, each asset's page
(details, source, editable fields, content rows), and thumbnails.

The bulk upload works in two steps. Each file is sent on its own
(`asset_upload_file`, answered in JSON so the page shows progress and the
outcome per file); a file that passes the checks is kept as a pending
upload and comes back with the kinds it could become, best first. The page
lists the kept files with a kind to choose for each; "Create assets" makes
them (`asset_upload`, POST). An asset's kind is fixed once it exists, as in
the admin, so the choice is made before anything is created. Without the
page's script the same form posts all files at once and the list comes
back from the server."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assets.kinds import propose_kinds, spec_for
from assets.models import Asset, Kit
from assets.pending_uploads import (
    pending_upload_from_token,
    pending_upload_head,
    pending_upload_store,
    pending_upload_token,
)
from assets.services import asset_create_from_upload
from assets.thumbnails import kind_icon_png
from portal.core.errors import DomainError
from portal.core.files import serve_stored_file
from portal.core.uploads import removed_content_message
from portal.workspace import selectors
from portal.workspace.access import workspace_required
from portal.workspace.asset_forms import AssetPageForm, BulkUploadForm, asset_formsets
from portal.workspace.services import asset_page_save


def _kept_row(pending) -> dict:
    """A kept upload as the review list shows it (and the JSON answer says)."""
    proposals = propose_kinds(pending.original_name, pending_upload_head(pending))
    stem = pending.original_name.rsplit(".", 1)[0] if "." in pending.original_name else ""
    return {
        "ok": True,
        "token": pending_upload_token(pending),
        "name": pending.original_name,
        "title": (stem or pending.original_name).replace("_", " ").strip()[:150],
        "size": pending.size,
        "kinds": [{"key": key, "label": spec_for(key).label} for key in proposals],
        "notice": removed_content_message(pending.original_name, tuple(pending.removed))
        if pending.removed
        else "",
    }


def _store(request, kit: Kit, upload) -> dict:
    name = (upload.name or "file").rsplit("/", 1)[-1]
    try:
        pending = pending_upload_store(upload=upload, by=request.user, kit=kit)
    except DomainError as exc:
        return {"ok": False, "name": name, "error": exc.message}
    return _kept_row(pending)


@workspace_required
def asset_upload(request, pk: int):
    """The bulk upload page of a kit; POST creates the assets of the kept
    files with the kinds chosen (or, without the page's script, keeps the
    posted files and lists them)."""
    kit = get_object_or_404(Kit, pk=pk)
    rows, failures = [], []
    form = BulkUploadForm()
    if request.method == "POST" and "token" in request.POST:
        return _create_assets(request, kit)
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            for upload in form.cleaned_data["files"]:
                row = _store(request, kit, upload)
                (rows if row["ok"] else failures).append(row)
    return render(
        request,
        "workspace/asset_upload.html",
        {
            "kit": kit,
            "form": form,
            "rows": rows,
            "failures": failures,
            "assets": selectors.kit_assets(kit),
        },
    )


def _create_assets(request, kit: Kit):
    tokens = request.POST.getlist("token")
    kinds = request.POST.getlist("kind")
    titles = request.POST.getlist("title")
    if not (len(tokens) == len(kinds) == len(titles)):
        messages.error(request, "The list of files was incomplete; nothing was created.")
        return redirect("workspace:asset_upload", pk=kit.pk)
    created = 0
    for token, kind, title in zip(tokens, kinds, titles, strict=True):
        pending = pending_upload_from_token(token, by=request.user)
        if pending is None or pending.asset_id is not None:
            messages.error(
                request, f"“{title or 'A file'}” is no longer waiting here; upload it again."
            )
            continue
        try:
            made = asset_create_from_upload(
                kit=kit, pending=pending, kind=kind, title=title, by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            continue
        created += 1
        if made.problems:
            needs = " ".join(message for _, message in made.problems)
            messages.warning(
                request,
                f"“{made.asset.title}” is a draft until its source is complete: {needs}",
            )
    if created:
        messages.success(request, f"{created} asset{'s' if created != 1 else ''} created.")
    return redirect("workspace:asset_upload", pk=kit.pk)


@workspace_required
@require_POST
def asset_upload_file(request, pk: int):
    """One file of a bulk upload: checked and kept, answered in JSON with
    the kinds it could become (400 with the reason when it can't be used)."""
    kit = get_object_or_404(Kit, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"ok": False, "name": "", "error": "No file was sent."}, status=400)
    row = _store(request, kit, upload)
    return JsonResponse(row, status=200 if row["ok"] else 400)


@workspace_required
def asset_edit(request, pk: int):
    """An asset's page: details, the source fields its kind uses, its
    editable fields, and the rows of guidelines and training courses."""
    asset = get_object_or_404(Asset.objects.select_related("kit", "current_version"), pk=pk)
    if request.method == "POST":
        form = AssetPageForm(request.POST, request.FILES, instance=asset, user=request.user)
        formsets = asset_formsets(asset, request.POST, request.FILES)
        valid = form.is_valid()
        valid = all([formset.is_valid() for formset in formsets]) and valid
        if valid:
            before = asset.current_version_id
            asset, version = asset_page_save(form=form, formsets=formsets, by=request.user)
            if form.pdf_removed:
                upload = form.cleaned_data["source_upload"]
                messages.warning(request, removed_content_message(upload.name, form.pdf_removed))
            if version is not None and version.pk != before:
                messages.success(request, f"Saved as version {version.number}.")
            else:
                messages.success(request, "Saved.")
            return redirect("workspace:asset_edit", pk=asset.pk)
        form.keep_upload()
    else:
        form = AssetPageForm(instance=asset, user=request.user)
        formsets = asset_formsets(asset)
    return render(
        request,
        "workspace/asset_edit.html",
        {
            "asset": asset,
            "spec": asset.kind_spec,
            "form": form,
            "formsets": formsets,
            "kept": form.kept_pending(),
            "upload_url": reverse("workspace:asset_upload", args=[asset.kit_id]),
        },
    )


@workspace_required
def asset_thumbnail(request, pk: int):
    """The asset's thumbnail, or its kind's icon while it has none."""
    asset = get_object_or_404(Asset, pk=pk)
    if not asset.thumbnail:
        response = HttpResponse(kind_icon_png(asset.kind_spec.label), content_type="image/png")
        response["Cache-Control"] = "private, no-cache"
        return response
    return serve_stored_file(
        asset.thumbnail, filename=f"asset-{asset.pk}-thumbnail.png", inline=True
    )

"""Kits out of and into the workspace as ZIP files (docs/kit-format.md)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from assets.models import Kit
from assets.transfer import KitImportRefused, kit_export, kit_import
from portal.workspace.access import workspace_required


class KitImportForm(forms.Form):
    zip_file = forms.FileField(
        label="Kit ZIP file",
        help_text="A ZIP made by “Export” here or by manage.py kit_export. "
        "The kit is imported as a draft.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


@workspace_required
@require_GET
def kit_export_download(request, pk: int):
    """The kit as a ZIP download."""
    kit = get_object_or_404(Kit, pk=pk)
    data = kit_export(kit=kit)
    response = HttpResponse(data, content_type="application/zip")
    filename = f"kit-{kit.pk}-{slugify(kit.title)[:60] or 'kit'}.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@workspace_required
@require_http_methods(["GET", "POST"])
def kit_import_page(request):
    """Upload a kit ZIP: every problem listed, or the new draft kit."""
    posted = request.method == "POST"
    form = KitImportForm(request.POST, request.FILES) if posted else KitImportForm()
    problems = []
    if posted and form.is_valid():
        try:
            kit = kit_import(zip_file=form.cleaned_data["zip_file"], by=request.user)
        except KitImportRefused as exc:
            form.add_error("zip_file", exc.message)
            problems = exc.problems
        else:
            count = kit.assets.count()
            messages.success(
                request,
                f"Imported “{kit.title}” as a draft with {count} asset{'s' if count != 1 else ''}.",
            )
            return redirect("workspace:kit_list")
    status = 400 if posted else 200
    return render(
        request, "workspace/kit_import.html", {"form": form, "problems": problems}, status=status
    )

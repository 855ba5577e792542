"""Kits: the list, a kit's page, its form, its lifecycle buttons and copies."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from assets import lifecycle
from assets.audience import Audience, audience_of
from assets.models import Kit
from portal.core.errors import DomainError, form_error_from
from portal.core.files import serve_stored_file
from portal.workspace import selectors, services
from portal.workspace.access import workspace_required
from portal.workspace.forms import KitAudienceForm, KitForm, ScheduleForm
from portal.workspace.pending_uploads import pending_discard, pending_store


@workspace_required
def kit_list(request):
    """Kits at a glance: status as partners see it now, dates, audience and reach."""
    return render(request, "workspace/kit_list.html", {"rows": selectors.kit_rows()})


@workspace_required
def kit_detail(request, pk: int):
    """A kit's page: its fields, status, audience and assets, and its buttons."""
    return _detail(request, pk, ScheduleForm())


def _detail(request, pk: int, schedule_form: ScheduleForm):
    page = selectors.kit_page(pk)
    context = {"page": page, "kit": page.kit, "schedule_form": schedule_form}
    return render(request, "workspace/kit_detail.html", context)


def _keep_cover(form: KitForm) -> None:
    """A cover that passed its checks while the form failed elsewhere is kept,
    so the next try need not upload it again."""
    new = form.cleaned_data.get("cover_upload") if hasattr(form, "cleaned_data") else None
    if new is None:
        return
    if form.kept_cover_token:
        pending_discard(form.kept_cover_token)
    form.kept_cover = new
    form.kept_cover_token = pending_store(new.picture.data, name=new.name)


def _kit_form(request, kit: Kit | None):
    form = KitForm(request.POST or None, request.FILES or None, instance=kit)
    if request.method == "POST":
        if form.is_valid():
            data = form.kit_input()
            try:
                if kit is None:
                    saved = services.kit_create(data=data, by=request.user)
                else:
                    saved = services.kit_update(kit=kit, data=data, by=request.user)
            except DomainError as exc:
                form_error_from(form, exc)
            else:
                if form.kept_cover_token:
                    pending_discard(form.kept_cover_token)
                messages.success(request, f"“{saved.title}” saved.")
                return redirect("workspace:kit_detail", pk=saved.pk)
        _keep_cover(form)
    context = {"form": form, "kit": kit, "reach": _reach(request, kit)}
    return render(request, "workspace/kit_form.html", context)


def _reach(request, kit: Kit | None) -> int | None:
    """The reach the form shows first: of the audience posted, else the kit's."""
    if request.method == "POST":
        posted = KitAudienceForm(request.POST)
        return selectors.unsaved_audience_reach(posted.audience()) if posted.is_valid() else None
    return selectors.unsaved_audience_reach(audience_of(kit) if kit else Audience())


@workspace_required
def kit_create(request):
    return _kit_form(request, None)


@workspace_required
def kit_edit(request, pk: int):
    return _kit_form(request, selectors.kit_for_workspace(pk))


@workspace_required
@require_GET
def kit_audience_reach(request):
    """How many partners the audience being edited reaches (the form's
    audience fields, sent as the admin changes them)."""
    form = KitAudienceForm(request.GET)
    reach = selectors.unsaved_audience_reach(form.audience()) if form.is_valid() else None
    return render(request, "workspace/_kit_reach.html", {"reach": reach})


def _run(request, pk: int, service, done: str, **kwargs):
    """Call one lifecycle service; a refusal shows its message, changes nothing."""
    kit = get_object_or_404(Kit, pk=pk)
    try:
        service(kit=kit, by=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        status = lifecycle.kit_status_now(kit)
        messages.success(request, f"“{kit.title}” {done}. Now: {status.label}.")
    return redirect("workspace:kit_detail", pk=kit.pk)


@workspace_required
@require_POST
def kit_schedule(request, pk: int):
    kit = get_object_or_404(Kit, pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.kit_schedule(kit=kit, at=form.cleaned_data["at"], by=request.user)
        except DomainError as exc:
            form_error_from(form, exc, "at")
        else:
            status = lifecycle.kit_status_now(kit)
            messages.success(request, f"“{kit.title}” scheduled. Now: {status.label}.")
            return redirect("workspace:kit_detail", pk=kit.pk)
    return _detail(request, pk, form)


@workspace_required
@require_POST
def kit_expire(request, pk: int):
    """Expire now."""
    return _run(request, pk, lifecycle.kit_expire, "expired")


@workspace_required
@require_POST
def kit_archive(request, pk: int):
    return _run(request, pk, lifecycle.kit_archive, "archived")


@workspace_required
@require_POST
def kit_duplicate(request, pk: int):
    kit = get_object_or_404(Kit, pk=pk)
    copy = services.kit_duplicate(kit=kit, by=request.user)
    messages.success(request, f"“{copy.title}” made: a draft with the same assets and audience.")
    return redirect("workspace:kit_detail", pk=copy.pk)


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


@workspace_required
@require_GET
def kit_cover(request, pk: int):
    kit = selectors.kit_with_cover(pk)
    return serve_stored_file(
        kit.cover_image, filename=f"kit-{kit.pk}-cover{_suffix(kit.cover_image.name)}", inline=True
    )

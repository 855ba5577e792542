"""The worst-case check of a kit, and publishing that asks for
confirmation when the check finds problems."""

from itertools import groupby

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assets import lifecycle
from assets.models import Kit
from portal.core.errors import CobrandError
from portal.workspace.access import workspace_required
from portal.workspace.checks import extreme_partners, kit_worst_case_problems


def _grouped(problems):
    """[(asset, [problems])] in the order found."""
    return [(asset, list(rows)) for asset, rows in groupby(problems, key=lambda p: p.asset)]


def _check_context(kit: Kit) -> dict:
    problems = kit_worst_case_problems(kit=kit)
    return {
        "kit": kit,
        "problems": problems,
        "groups": _grouped(problems),
        "extremes": extreme_partners(kit),
    }


@workspace_required
def kit_check(request, pk: int):
    """The worst-case check of every co-branded asset of the kit."""
    kit = get_object_or_404(Kit, pk=pk)
    return render(request, "workspace/kit_check.html", _check_context(kit))


@workspace_required
@require_POST
def kit_publish(request, pk: int):
    """Publish the kit now. When the worst-case check finds problems, list
    them and ask first; "Publish anyway" posts again with confirm=1."""
    kit = get_object_or_404(Kit, pk=pk)
    if request.POST.get("confirm") != "1":
        context = _check_context(kit)
        if context["problems"]:
            return render(request, "workspace/kit_publish_confirm.html", context)
    try:
        lifecycle.kit_publish(kit=kit, by=request.user)
    except CobrandError as exc:
        messages.error(request, f"“{kit.title}” was not published: {exc.message}")
    else:
        status = lifecycle.kit_status_now(kit)
        messages.success(request, f"“{kit.title}” published. Now: {status.label}.")
    return redirect("workspace:kit_detail", pk=kit.pk)

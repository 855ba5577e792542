from django.shortcuts import get_object_or_404, render

from assets.models import Kit
from assets.selectors import prerender_failures
from portal.workspace.access import workspace_required


@workspace_required
def kit_prerender_failures(request, pk: int):
    """Every output the kit's latest pre-rendering run could not make, and why."""
    kit = get_object_or_404(Kit, pk=pk)
    run, failures = prerender_failures(kit)
    return render(
        request,
        "workspace/prerender_failures.html",
        {"kit": kit, "run": run, "failures": failures},
    )

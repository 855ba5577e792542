from django.shortcuts import render

from portal.workspace import selectors
from portal.workspace.access import workspace_required


@workspace_required
def kit_list(request):
    """Kits at a glance: status as partners see it now, dates, audience and reach."""
    return render(request, "workspace/kit_list.html", {"rows": selectors.kit_rows()})

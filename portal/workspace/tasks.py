"""Background work for the workspace."""

from portal.celery import app


@app.task(name="workspace.pending_uploads_prune", time_limit=300)
def pending_uploads_prune() -> int:
    """Delete uploads kept for a form that nobody came back to."""
    from portal.workspace.pending_uploads import pending_prune

    return pending_prune()

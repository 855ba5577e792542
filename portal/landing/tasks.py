"""Background work for landing pages and leads."""

from portal.celery import app
from portal.core.queue import MAIL_TASK_OPTIONS


@app.task(name="landing.lead_notify", **MAIL_TASK_OPTIONS)
def lead_notify(lead_id: int) -> int:
    """Tell the partner's people about a new lead (once, however often this runs)."""
    from portal.landing import notifications

    return notifications.lead_notify(lead_id=lead_id)

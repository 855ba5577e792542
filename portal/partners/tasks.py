"""Background work for partner organisations."""

from portal.celery import app
from portal.core.queue import MAIL_TASK_OPTIONS


@app.task(name="partners.invitation_send", **MAIL_TASK_OPTIONS)
def invitation_send(invitation_id: int) -> bool:
    """E-mail an invitation its link (once, however often this runs)."""
    from portal.partners import services

    return services.invitation_send(invitation_id=invitation_id)

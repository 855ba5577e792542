"""Background work for accounts."""

from django.core.cache import cache

from portal.celery import app
from portal.core.queue import MAIL_TASK_OPTIONS

# How long a sent password-reset task is remembered, so a redelivered
# message does not send a second e-mail (longer than any retry schedule).
SENT_MEMORY_SECONDS = 24 * 3600


@app.task(bind=True, name="accounts.password_reset_mail_send", **MAIL_TASK_OPTIONS)
def password_reset_mail_send(
    self,
    user_id: int,
    subject_template_name: str,
    email_template_name: str,
    html_email_template_name: str | None = None,
) -> bool:
    """E-mail a password-reset link, once per queued message.

    There is no row to mark, so the message's task id is claimed in the
    shared cache before sending and released if sending fails (then retried).
    """
    from portal.accounts import services

    key = f"password-reset-mail:{self.request.id}"
    if not cache.add(key, 1, timeout=SENT_MEMORY_SECONDS):
        return False
    try:
        return services.password_reset_mail_send(
            user_id=user_id,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
        )
    except BaseException:
        cache.delete(key)
        raise

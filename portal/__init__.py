"""The project package. The task-queue app loads on first use
(`portal.celery_app`, `celery -A portal`), so that importing a small module
such as portal.core.errors doesn't start Celery."""

__all__ = ["celery_app"]


def __getattr__(name: str):
    if name == "celery_app":
        from portal.celery import app

        return app
    raise AttributeError(f"module 'portal' has no attribute {name!r}")

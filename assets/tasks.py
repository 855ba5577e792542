"""Background work of the asset library: thin wrappers over its services."""

from portal.celery import app


@app.task(name="assets.kits_lifecycle_tick", soft_time_limit=50, time_limit=60, expires=55)
def kits_lifecycle_tick() -> dict:
    """Run every minute by Celery beat (or `manage.py kits_tick` from cron):
    scheduled kits whose time has come go live, kits past their expiry expire.
    A missed or doubled run is harmless: each kit is announced once."""
    from assets.lifecycle import kits_lifecycle_tick as tick

    result = tick()
    return {"published": result.published, "went_live": result.went_live, "expired": result.expired}

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


@app.task(name="assets.asset_thumbnail_refresh", soft_time_limit=90, time_limit=120)
def asset_thumbnail_refresh(asset_id: int) -> bool:
    """Make an asset's thumbnail from its current source (queued on commit
    after an upload or a source change, so saves stay fast)."""
    from assets.models import Asset
    from assets.thumbnails import asset_thumbnail_refresh as refresh

    asset = Asset.objects.select_related("current_version").filter(pk=asset_id).first()
    if asset is None:
        return False
    refresh(asset=asset)
    return True


@app.task(name="assets.pending_uploads_prune", soft_time_limit=240, time_limit=300)
def pending_uploads_prune() -> int:
    """Run hourly by Celery beat: delete kept uploads nobody can use any more."""
    from assets.pending_uploads import pending_uploads_prune as prune

    return prune()

"""Co-branded files rendered before anyone asks for them.

When a kit goes live, every prerenderable asset of it (the kinds' contract:
`kind_spec.prerenderable`) is rendered in each of its formats for every
partner in the kit's audience. When a partner's brand profile or saved field
values change, what that partner sees is rendered again: the new profile
makes new rendition keys, the old renditions are simply no longer asked for.

The work is split into one task per (asset, partner, format): many small
tasks keep every worker busy until the end of a run (a task per partner
leaves one worker idle while another finishes a big partner, and with an
odd number of partners one worker always has one more), and a failing or
retried output holds back nothing else. The rendition cache makes each task
idempotent: a key already stored is a no-op, and a key another worker is
rendering is waited for briefly, then retried later, so no worker sits
blocked for the whole render.

Each round is a `PrerenderRun` whose counts the tasks move with F()
expressions, and `PrerenderFailure` rows say which output failed and why.
Without a broker the tasks run inline after the commit, in the process that
queued them.
"""

import logging

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from assets import renditions, selectors
from assets.kinds import keys_where
from assets.models import Asset, Kit, PrerenderFailure, PrerenderRun
from assets.rendering import RenderError
from portal.core.queue import queue_on_commit
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)

#: How long a task waits for a render that another worker holds the lock
#: of before it gives its worker back and is retried later.
BUSY_WAIT_SECONDS = 2.0
#: How long the "this output was counted" marker is kept: longer than any
#: run's retries last.
COUNTED_SECONDS = 3 * 24 * 3600

Reason = PrerenderRun.Reason


# --- What to render -------------------------------------------------------------


def prerenderable_assets(kit: Kit) -> QuerySet[Asset]:
    """The kit's assets whose outputs can be made ahead of a request."""
    return selectors.kit_assets(kit).filter(kind__in=keys_where("prerenderable"))


def prerender_plan(
    *,
    kit: Kit,
    reason: str,
    partner: PartnerOrganisation | None = None,
    asset_id: int | None = None,
) -> PrerenderRun | None:
    """Count the outputs to make for `kit` (for `partner`, else for everyone
    in its audience; only `asset_id` when given), record the run and queue
    one task per (asset, partner, format). None when there is nothing to do."""
    from assets import tasks

    assets = prerenderable_assets(kit)
    if asset_id is not None:
        assets = assets.filter(pk=asset_id)
    audience = selectors.partners_in_audience(kit)
    if partner is not None:
        audience = audience.filter(pk=partner.pk)
    partner_ids = list(audience.order_by("pk").values_list("pk", flat=True))
    items = [
        (asset.pk, partner_id, output_format)
        for asset in assets
        for output_format in renditions.formats_for(asset)
        for partner_id in partner_ids
    ]
    if not items:
        return None
    run = PrerenderRun.objects.create(kit=kit, partner=partner, reason=reason, total=len(items))
    log.info("prerendering kit %s: %d outputs (%s)", kit.pk, len(items), reason)
    for item in items:
        queue_on_commit(tasks.prerender_render, run.pk, *item)
    return run


def prerender_for_partner(
    *, partner: PartnerOrganisation, reason: str, asset_id: int | None = None
) -> list[PrerenderRun]:
    """Plan a run for every live kit the partner sees (only the kit of
    `asset_id`, for that asset, when given)."""
    kits = selectors.kits_visible_to(partner).filter(assets__kind__in=keys_where("prerenderable"))
    if asset_id is not None:
        kits = kits.filter(assets__pk=asset_id)
    runs = []
    for kit in kits.distinct().order_by("pk"):
        run = prerender_plan(kit=kit, reason=reason, partner=partner, asset_id=asset_id)
        if run is not None:
            runs.append(run)
    return runs


# --- When ---------------------------------------------------------------------


def kit_prerender_queue(*, kit: Kit) -> None:
    """Plan the kit's renders in the background, once the kit is committed."""
    from assets import tasks

    queue_on_commit(tasks.prerender_kit, kit.pk)


def partner_prerender_queue(*, partner_id: int, reason: str, asset_id: int | None = None) -> None:
    """Re-render what the partner sees (one asset when given), once committed."""
    from assets import tasks

    queue_on_commit(tasks.prerender_partner, partner_id, reason, asset_id)


def on_kit_went_live(sender, kit: Kit, **kwargs) -> None:
    """assets.events.kit_went_live: render the kit for its audience."""
    kit_prerender_queue(kit=kit)


def on_brand_profile_saved(
    sender, instance, created: bool = False, raw: bool = False, **kwargs
) -> None:
    """post_save of a BrandProfile (the partner's form, a new logo, the
    admin): what the partner sees carries the new profile. A profile just
    created (empty, on the first visit to its page) changes nothing yet."""
    if raw or created:
        return
    partner_prerender_queue(partner_id=instance.organisation_id, reason=Reason.BRAND_PROFILE)


# --- One output -------------------------------------------------------------------


def prerender_item(*, run_id: int, asset_id: int, partner_id: int, output_format: str) -> str:
    """Make one output of a run, or find it made: "done", "failed" (the
    source or the profile cannot make it: recorded with its message) or
    "skipped" (no longer shown to the partner; counted as done).

    Raises RenditionBusy when another worker is rendering the same key (the
    task retries later) and lets other errors through (the task retries
    transient ones)."""
    run = PrerenderRun.objects.filter(pk=run_id).first()
    if run is None:
        return "skipped"
    partner = PartnerOrganisation.objects.filter(pk=partner_id).first()
    asset = None
    if partner is not None:
        asset = selectors.assets_visible_to(partner).filter(pk=asset_id).first()
    if asset is None:
        _count_done(run_id, asset_id, partner_id, output_format)
        return "skipped"
    try:
        renditions.render_for_partner(
            asset=asset,
            partner=partner,
            output_format=output_format,
            wait_seconds=BUSY_WAIT_SECONDS,
        )
    except renditions.RenditionBusy:
        raise
    except RenderError as exc:
        prerender_failed(
            run_id=run_id,
            asset_id=asset_id,
            partner_id=partner_id,
            output_format=output_format,
            message=exc.message,
        )
        return "failed"
    _count_done(run_id, asset_id, partner_id, output_format)
    return "done"


def prerender_failed(
    *, run_id: int, asset_id: int, partner_id: int, output_format: str, message: str
) -> None:
    """Record that an output of the run failed, once whatever the retries."""
    try:
        with transaction.atomic():
            PrerenderFailure.objects.create(
                run_id=run_id,
                asset_id=asset_id,
                partner_id=partner_id,
                output_format=output_format,
                message=message[:2000],
            )
            PrerenderRun.objects.filter(pk=run_id).update(failed=F("failed") + 1)
    except IntegrityError:
        return  # recorded and counted by an earlier attempt (or the run is gone)
    log.warning(
        "prerender failed: asset %s for partner %s as %s: %s",
        asset_id,
        partner_id,
        output_format,
        message,
    )


def _count_done(run_id: int, asset_id: int, partner_id: int, output_format: str) -> None:
    # A task may run twice (redelivered after a crash, queued twice): the
    # marker makes the second one count nothing.
    marker = f"prerender-counted:{run_id}:{asset_id}:{partner_id}:{output_format}"
    try:
        first = cache.add(marker, 1, timeout=COUNTED_SECONDS)
        if first is None:  # the cache did not answer (portal/core/redis_cache.py)
            raise ConnectionError(marker)
    except Exception:  # noqa: BLE001 - a cache outage must not lose the count
        log.warning("cache unavailable: counting prerender output %s without a marker", marker)
        first = True
    if first:
        PrerenderRun.objects.filter(pk=run_id).update(done=F("done") + 1)

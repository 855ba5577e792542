"""Writes for landing pages and leads."""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from assets.branding import brand_for_partner
from assets.models import Asset
from portal.core.counters import cache_count
from portal.core.errors import DomainError
from portal.core.queue import queue_on_commit
from portal.landing import tasks
from portal.landing.models import LandingPage, Lead, PageViewDay
from portal.landing.public import render_page
from portal.landing.selectors import free_slug, values_for_display
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class LeadRateLimited(DomainError):
    """Too many submissions from one address in the current window."""

    status = 429


def landing_page_publish(
    *, organisation: PartnerOrganisation, asset: Asset, values: dict[str, str], by=None
) -> LandingPage:
    """Publish (or republish with new values) the partner's page for an asset.

    The address stays the same across unpublish and republish: it is chosen
    once, from the asset's title, the first time the page is published. A
    page whose template fails to render is refused (RenderError) and nothing
    changes."""
    with transaction.atomic():
        page = (
            LandingPage.objects.select_for_update()
            .filter(organisation=organisation, asset=asset)
            .first()
        )
        if page is None:
            page = LandingPage(
                organisation=organisation, asset=asset, slug=free_slug(organisation, asset)
            )
        page.field_values = {str(k): str(v) for k, v in values.items()}
        page.status = LandingPage.Status.PUBLISHED
        page.published_at = timezone.now()
        page.unpublished_at = None
        page.published_by = by if by is not None and by.is_authenticated else None
        _render_check(page)
        page.save()
    log.info("landing page published: %s by=%s", page, getattr(by, "pk", None))
    return page


def _render_check(page: LandingPage) -> None:
    """Render the page as it would go live; a template failure raises."""
    render_page(
        page,
        brand=brand_for_partner(page.organisation),
        display=values_for_display(page.asset, page.field_values),
        logo_url="",
        og_image_url="",
    )


def landing_page_unpublish(*, page: LandingPage, by=None) -> LandingPage:
    """Take the page down; its address answers 410 Gone until it is published again."""
    if page.is_published:
        page.status = LandingPage.Status.UNPUBLISHED
        page.unpublished_at = timezone.now()
        page.save(update_fields=["status", "unpublished_at", "updated_at"])
        log.info("landing page unpublished: %s by=%s", page, getattr(by, "pk", None))
    return page


def _rate_key(client_ip: str, window: int) -> str:
    # The address is hashed: not even the cache holds it in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip}".encode()).hexdigest()[:32]
    return f"landing:lead-rate:{digest}:{int(time.time() // window)}"


def lead_rate_check(client_ip: str) -> None:
    """Count one post from the address, whatever becomes of it; raise
    LeadRateLimited past the limit. LEAD_RATE_LIMIT = 0 turns the limit off."""
    limit = settings.LEAD_RATE_LIMIT
    if limit <= 0:
        return
    window = max(1, settings.LEAD_RATE_WINDOW_SECONDS)
    if cache_count(_rate_key(client_ip, window), timeout=window + 5) > limit:
        raise LeadRateLimited("Too many requests from your network. Please try again later.")


@dataclass(frozen=True)
class LeadResult:
    lead: Lead
    created: bool


def _clip(value, length: int) -> str:
    return str(value or "")[:length]


def lead_submit(
    *,
    page: LandingPage,
    data: dict,
    token: str,
    utm: dict | None = None,
    referrer: str = "",
) -> LeadResult:
    """Store a visitor's lead (already validated) and notify the partner's users.

    `token` is the one-time token of the form the visitor was shown: the
    same token twice gives the first lead back (created=False) without
    notifying anyone again. The rate limit is the caller's: the public view
    counts every post, valid or not, before it does anything else."""
    existing = Lead.objects.filter(
        organisation_id=page.organisation_id, submission_token=token
    ).first()
    if existing is not None:
        return LeadResult(existing, created=False)
    utm = utm or {}
    lead = Lead(
        organisation_id=page.organisation_id,
        page=page,
        asset_version_id=page.asset.current_version_id,
        name=_clip(data.get("name"), 120),
        email=_clip(data.get("email"), 254),
        company=_clip(data.get("company"), 150),
        message=str(data.get("message") or ""),
        consent=bool(data.get("consent")),
        referrer=_clip(referrer, 500),
        submission_token=token,
        **{key: _clip(utm.get(key), 200) for key in UTM_KEYS},
    )
    try:
        with transaction.atomic():
            lead.save()
            queue_on_commit(tasks.lead_notify, lead.pk)
    except IntegrityError:
        # A concurrent twin of this submission won the race.
        twin = Lead.objects.filter(
            organisation_id=page.organisation_id, submission_token=token
        ).first()
        if twin is None:
            raise
        return LeadResult(twin, created=False)
    return LeadResult(lead, created=True)


@lru_cache(maxsize=1)
def _COUNT_VIEW_SQL() -> str:  # noqa: N802 - a constant, built once the database is known
    quote = connection.ops.quote_name
    table = quote(PageViewDay._meta.db_table)
    count, page, day = (
        quote(PageViewDay._meta.get_field(f).column) for f in ("count", "page", "day")
    )
    return f"UPDATE {table} SET {count} = {count} + 1 WHERE {page} = %s AND {day} = %s"  # noqa: S608


def page_view_record(*, page_id: int, day: date | None = None) -> None:
    """Count one view of a page for the day: a single UPDATE in the common case."""
    day = day or timezone.localdate()
    # Plain SQL: this runs on every public page view, and the ORM's update
    # machinery costs more than the statement itself.
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_VIEW_SQL(), [page_id, day])
        if cursor.rowcount:
            return
    try:
        with transaction.atomic():
            PageViewDay.objects.create(page_id=page_id, day=day, count=1)
    except IntegrityError:
        PageViewDay.objects.filter(page_id=page_id, day=day).update(count=F("count") + 1)

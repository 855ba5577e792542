"""Reads for the workspace."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assets.audience import Audience, audience_of, audience_reach, partner_facts
from assets.kinds.layout import read_source
from assets.lifecycle import KitStatusNow, kit_status_now
from assets.models import Asset, AssetVersion, Kit
from assets.pending_uploads import asset_pending_upload, pending_upload_data
from assets.rendering import VARIABLES, RenderError
from assets.resources import resource_hashes
from assets.selectors import PrerenderProgress, prerender_progress_of_kits
from portal.core.errors import NotFound
from portal.partners.models import PartnerOrganisation, PartnerType, Region, Tier

#: How many asset thumbnails a row of the kit list shows.
LIST_THUMBNAILS = 4


@dataclass
class AudienceSummary:
    """A kit's audience in words: "Everyone", or one line per criterion."""

    everyone: bool
    tiers: list[str] = field(default_factory=list)  # "Gold", "Platinum and above"
    types: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass
class KitRow:
    """A kit as the workspace's list shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int  # partner organisations that see it now, or would once live
    asset_count: int
    audience: AudienceSummary
    thumbnails: list[Asset]  # the first assets with a thumbnail, in order
    prerender: PrerenderProgress | None = None  # the latest pre-rendering run


def _kits_with_audience() -> QuerySet[Kit]:
    return Kit.objects.select_related("audience_min_tier").prefetch_related(
        "tags",
        Prefetch("audience_tiers", queryset=Tier.objects.order_by("-rank", "name")),
        Prefetch("audience_regions", queryset=Region.objects.order_by("name")),
        Prefetch(
            "audience_partners",
            queryset=PartnerOrganisation.objects.only("pk", "name").order_by("name"),
        ),
    )


def audience_summary(kit: Kit) -> AudienceSummary:
    """Reads the kit's audience as `_kits_with_audience` prefetches it."""
    type_labels = dict(PartnerType.choices)
    tiers = [t.name for t in kit.audience_tiers.all()]
    if kit.audience_min_tier is not None:
        tiers.append(f"{kit.audience_min_tier.name} and above")
    summary = AudienceSummary(
        everyone=audience_of(kit).is_everyone,
        tiers=tiers,
        types=[type_labels.get(t, t) for t in kit.audience_types or ()],
        regions=[r.name for r in kit.audience_regions.all()],
        partners=[p.name for p in kit.audience_partners.all()],
    )
    return summary


def kit_rows(*, now: datetime | None = None) -> list[KitRow]:
    """Every kit, newest first, with its status as partners see it now, its
    audience and how many partners it reaches. A fixed number of queries
    however many kits: the reach is counted in Python from one read of the
    partners, by the rule the selectors apply (assets/audience.py)."""
    now = now or timezone.now()
    thumbnails = Asset.objects.exclude(thumbnail="").only(
        "pk", "kit_id", "title", "thumbnail", "position"
    )
    kits = list(
        _kits_with_audience()
        .annotate(asset_count=Count("assets", distinct=True))
        .prefetch_related(
            Prefetch(
                "assets",
                queryset=thumbnails.order_by("position", "id"),
                to_attr="with_thumbnail",
            )
        )
        .order_by("-updated_at", "-pk")
    )
    partners = partner_facts()
    progress = prerender_progress_of_kits([kit.pk for kit in kits])
    return [
        KitRow(
            kit=kit,
            status=kit_status_now(kit, now),
            reach=audience_reach(audience_of(kit), partners),
            asset_count=kit.asset_count,
            audience=audience_summary(kit),
            thumbnails=kit.with_thumbnail[:LIST_THUMBNAILS],
            prerender=progress.get(kit.pk),
        )
        for kit in kits
    ]


def kit_assets(kit: Kit) -> list[Asset]:
    """A kit's assets in order, with what the asset pages' lists show."""
    return list(kit.assets.select_related("current_version").order_by("position", "id"))


# --- The zone editor ------------------------------------------------------------

#: Widths (px) of the page pictures the zone editor asks for: the page being
#: edited and the thumbnails of the page strip.
ZONE_PAGE_WIDTHS = {"page": 1200, "thumb": 160}
_ZONE_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ZonePage:
    """One page of a layout's base, in the layout's unit (mm or px)."""

    number: int
    width: float
    height: float


@dataclass
class ZoneEditor:
    """What the zone editor shows for one asset: its base's pages, the
    pictures, fields and variables zones may use, the current layout."""

    asset: Asset
    version: AssetVersion | None
    unit: str
    pages: list[ZonePage]
    resource_names: list[str]
    fields: list[dict]
    variables: list[dict]
    #: Why the base cannot be shown ("" when it can).
    problem: str = ""
    #: SHA-256 of the kept upload zones are drawn on before version 1.
    pending_hash: str = ""

    @property
    def layout(self) -> list:
        return self.version.layout if self.version is not None else []

    @property
    def base_hash(self) -> str:
        return self.version.source_sha256 if self.version is not None else self.pending_hash


def layout_asset(pk: int) -> Asset:
    """The asset `pk` when its kind has a layout of zones; NotFound otherwise."""
    asset = Asset.objects.select_related("kit", "current_version").filter(pk=pk).first()
    if asset is None or not asset.kind_spec.has_layout:
        raise NotFound("No such asset.")
    return asset


def zone_editor(*, asset: Asset) -> ZoneEditor:
    """Everything the zone editor of `asset` (a layout asset) needs."""
    spec = asset.kind_spec
    version = asset.current_version
    fields = list(asset.editable_fields.order_by("position", "name"))
    editor = ZoneEditor(
        asset=asset,
        version=version,
        unit=spec.layout_unit,
        pages=[],
        resource_names=sorted(resource_hashes(version)),
        fields=[
            {
                "name": f"field.{field.name}",
                "label": f"Field: {field.label}",
                "sample": field.default or f"Sample {field.name.replace('_', ' ')}",
            }
            for field in fields
        ],
        variables=[
            {"name": v.name, "label": v.label, "sample": v.sample}
            for v in VARIABLES.values()
            if v.kind != "image"  # pictures go in logo and QR zones, not in text
        ],
    )
    base = layout_base(asset)
    if base is None:
        editor.problem = "This asset has no base file yet: upload one first."
        return editor
    if version is None or not version.source_file:
        editor.pending_hash = base.sha256
    try:
        sizes = base.page_sizes()
    except RenderError as exc:
        editor.problem = exc.message
        return editor
    editor.pages = [ZonePage(n, w, h) for n, (w, h) in enumerate(sizes, start=1)]
    return editor


@dataclass(frozen=True)
class LayoutBase:
    """The file an asset's zones are drawn on: its current version's
    source or, for a draft made from an upload that has no zones yet, the
    kept upload (its first save makes version 1 from it)."""

    asset: Asset
    sha256: str
    load: object  # () -> bytes

    def page_sizes(self) -> tuple[tuple[float, float], ...]:
        key = f"zone-sizes:{self.asset.kind}:{self.sha256}"
        sizes = cache.get(key)
        if sizes is None:
            sizes = self.asset.kind_spec.base_page_sizes(self.load())
            cache.set(key, sizes, _ZONE_CACHE_SECONDS)
        return tuple(tuple(size) for size in sizes)


def layout_base(asset: Asset) -> LayoutBase | None:
    """Where `asset`'s zones are drawn (see LayoutBase); None without a file."""
    version = asset.current_version
    if version is not None and version.source_file:
        return LayoutBase(asset, version.source_sha256, lambda: read_source(version))
    if version is None:
        pending = asset_pending_upload(asset)
        if pending is not None:
            data = pending_upload_data(pending)
            return LayoutBase(asset, hashlib.sha256(data).hexdigest(), lambda: data)
    return None


def base_page_sizes(version: AssetVersion) -> tuple[tuple[float, float], ...]:
    """Page sizes of a version's base in its layout unit, cached by the
    base's content hash. Raises RenderError for a base that cannot be read."""
    key = f"zone-sizes:{version.asset.kind}:{version.source_sha256}"
    sizes = cache.get(key)
    if sizes is None:
        sizes = version.asset.kind_spec.base_page_sizes(read_source(version))
        cache.set(key, sizes, _ZONE_CACHE_SECONDS)
    return tuple(tuple(size) for size in sizes)


def zone_page_png(*, asset: Asset, page: int, size: str) -> bytes:
    """A PNG of page `page` (1-based) of the asset's current base, `size`
    one of ZONE_PAGE_WIDTHS, cached by the base's content hash. Raises
    NotFound for a page, size or base that does not exist."""
    base = layout_base(asset)
    width = ZONE_PAGE_WIDTHS.get(size)
    if base is None or width is None:
        raise NotFound("No such page.")
    key = f"zone-page:{asset.kind}:{base.sha256}:{page}:{width}"
    data = cache.get(key)
    if data is None:
        try:
            if not 1 <= page <= len(base.page_sizes()):
                raise NotFound("No such page.")
            data = asset.kind_spec.base_page_png(base.load(), page, max_width=width)
        except RenderError as exc:
            raise NotFound(exc.message) from exc
        cache.set(key, data, _ZONE_CACHE_SECONDS)
    return data


def unsaved_audience_reach(audience: Audience) -> int:
    """How many partners an audience being edited would reach."""
    return audience_reach(audience, partner_facts())


@dataclass
class KitPage:
    """A kit as its workspace page shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int
    audience: AudienceSummary
    assets: list[Asset]


def kit_for_workspace(pk: int) -> Kit:
    return get_object_or_404(_kits_with_audience(), pk=pk)


def kit_page(pk: int, *, now: datetime | None = None) -> KitPage:
    kit = kit_for_workspace(pk)
    assets = list(kit.assets.select_related("current_version").order_by("position", "id"))
    return KitPage(
        kit=kit,
        status=kit_status_now(kit, now or timezone.now()),
        reach=unsaved_audience_reach(audience_of(kit)),
        audience=audience_summary(kit),
        assets=assets,
    )


def kit_with_cover(pk: int) -> Kit:
    return get_object_or_404(Kit.objects.exclude(cover_image="").only("pk", "cover_image"), pk=pk)

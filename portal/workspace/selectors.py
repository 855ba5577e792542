"""Reads for the workspace."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.utils import timezone

from assets.kinds.layout import read_source
from assets.lifecycle import KitStatusNow, kit_status_now
from assets.models import Asset, AssetVersion, Kit
from assets.rendering import VARIABLES, RenderError
from assets.resources import resource_hashes
from assets.selectors import partners_in_audience
from portal.core.errors import NotFound


@dataclass
class KitRow:
    """A kit as the workspace's list shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int  # partner organisations that see it now, or would once live
    asset_count: int


def kit_rows(*, now: datetime | None = None) -> list[KitRow]:
    """Every kit, newest first, with its status as partners see it now and
    how many partners its audience reaches."""
    now = now or timezone.now()
    kits = (
        Kit.objects.annotate(asset_count=Count("assets", distinct=True))
        .prefetch_related(
            "tags",
            "audience_tiers",
            "audience_regions",
            "audience_partners",
            Prefetch("assets", queryset=Asset.objects.order_by("position", "id")),
        )
        .order_by("-updated_at", "-pk")
    )
    return [
        KitRow(
            kit=kit,
            status=kit_status_now(kit, now),
            reach=audience_reach(kit),
            asset_count=kit.asset_count,
        )
        for kit in kits
    ]


def audience_reach(kit: Kit) -> int:
    """How many partners the kit's audience names or matches, whatever its
    status and dates: what "reaches N partners" means while it is edited."""
    return partners_in_audience(kit, ignore_schedule=True).count()


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

    @property
    def layout(self) -> list:
        return self.version.layout if self.version is not None else []

    @property
    def base_hash(self) -> str:
        return self.version.source_sha256 if self.version is not None else ""


def layout_asset(pk: int) -> Asset:
    """The asset `pk` when its kind has a layout of zones; NotFound otherwise."""
    asset = Asset.objects.select_related("kit", "current_version").filter(pk=pk).first()
    if asset is None or "layout" not in asset.kind_spec.source_fields:
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
    if version is None or not version.source_file:
        editor.problem = "This asset has no base file yet: upload one first."
        return editor
    try:
        sizes = base_page_sizes(version)
    except RenderError as exc:
        editor.problem = exc.message
        return editor
    editor.pages = [ZonePage(n, w, h) for n, (w, h) in enumerate(sizes, start=1)]
    return editor


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
    version = asset.current_version
    width = ZONE_PAGE_WIDTHS.get(size)
    if version is None or not version.source_file or width is None:
        raise NotFound("No such page.")
    key = f"zone-page:{asset.kind}:{version.source_sha256}:{page}:{width}"
    data = cache.get(key)
    if data is None:
        try:
            if not 1 <= page <= len(base_page_sizes(version)):
                raise NotFound("No such page.")
            data = asset.kind_spec.base_page_png(read_source(version), page, max_width=width)
        except RenderError as exc:
            raise NotFound(exc.message) from exc
        cache.set(key, data, _ZONE_CACHE_SECONDS)
    return data

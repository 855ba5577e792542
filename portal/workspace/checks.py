"""The worst-case check before a kit is published: each co-branded asset
rendered (or, for layouts, measured) for the extremes among the real
partners its audience reaches and for synthetic extremes, listing every
problem a partner would meet.

Reads only: nothing is stored, nothing is cached."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.conf import settings

from assets import renditions
from assets.branding import brand_for_partner
from assets.kinds import keys_where
from assets.models import Asset, Kit
from assets.rendering import (
    Brand,
    RenderContext,
    RenderError,
    relative_luminance,
    synthetic_brands,
)
from assets.selectors import partners_in_audience
from portal.partners.models import PartnerOrganisation


@dataclass(frozen=True)
class Problem:
    """One problem: which asset, which zone (or "Whole asset"), for which
    partner or synthetic case ("" when it is the same for all), and what."""

    asset: Asset
    zone: str
    case: str
    message: str


@dataclass(frozen=True)
class Extreme:
    """A real partner chosen for being at one or more extremes."""

    partner: PartnerOrganisation
    brand: Brand
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.partner.name} ({', '.join(self.reasons)})"


def _logo_aspect(partner: PartnerOrganisation) -> float | None:
    profile = getattr(partner, "brand", None)
    if profile is None or not profile.logo or not profile.logo_width or not profile.logo_height:
        return None
    return profile.logo_width / profile.logo_height


def _lightness(brand: Brand) -> float:
    return max(relative_luminance(brand.primary_color), relative_luminance(brand.secondary_color))


def extreme_partners(kit: Kit) -> list[Extreme]:
    """The partners of the kit's audience (whatever its schedule) with the
    longest name and address, the widest and tallest logo (by the
    profile's logo size) and the lightest brand colour; each once, with
    every reason it was chosen."""
    partners = list(
        partners_in_audience(kit, ignore_schedule=True).select_related("brand").order_by("pk")
    )
    if not partners:
        return []
    brands = {p.pk: brand_for_partner(p) for p in partners}
    chosen: dict[int, list[str]] = {}

    def pick(reason: str, candidates, key) -> None:
        candidates = list(candidates)
        if candidates:
            best = max(candidates, key=key)
            chosen.setdefault(best.pk, []).append(reason)

    pick("longest name", partners, lambda p: len(brands[p.pk].name))
    pick("longest address", partners, lambda p: len("\n".join(brands[p.pk].address_lines)))
    with_logo = [p for p in partners if _logo_aspect(p) is not None]
    pick("widest logo", with_logo, _logo_aspect)
    pick("tallest logo", with_logo, lambda p: -_logo_aspect(p))
    pick("lightest brand colour", partners, lambda p: _lightness(brands[p.pk]))
    by_pk = {p.pk: p for p in partners}
    return [Extreme(by_pk[pk], brands[pk], tuple(reasons)) for pk, reasons in chosen.items()]


def _cases(asset: Asset, extremes: list[Extreme]) -> tuple[list, list[Problem]]:
    """(name, context) for each real extreme and each synthetic one; real
    partners whose context cannot be built are problems themselves."""
    cases: list[tuple[str, RenderContext]] = []
    problems: list[Problem] = []
    for extreme in extremes:
        try:
            ctx = renditions.context_for_partner(asset=asset, partner=extreme.partner)
        except RenderError as exc:
            problems.append(Problem(asset, "Whole asset", extreme.label, exc.message))
            continue
        cases.append((extreme.label, ctx))
    sample = renditions.context_with_sample(asset=asset)
    for name, brand in synthetic_brands(sample.brand):
        cases.append((name, dataclasses.replace(sample, brand=brand)))
    return cases, problems


def asset_worst_case_problems(*, asset: Asset, extremes: list[Extreme]) -> list[Problem]:
    cases, problems = _cases(asset, extremes)
    try:
        found = asset.kind_spec.extreme_problems(
            asset=asset,
            version=asset.current_version,
            cases=cases,
            min_logo_mm=settings.WORST_CASE_MIN_LOGO_MM,
            image_px_per_mm=settings.WORST_CASE_IMAGE_DPI / 25.4,
        )
    except RenderError as exc:  # e.g. the base file is missing
        return [*problems, Problem(asset, "Whole asset", "", exc.message)]
    return [*problems, *(Problem(asset, p.zone, p.case, p.message) for p in found)]


def kit_worst_case_problems(*, kit: Kit) -> list[Problem]:
    """Every problem of every co-branded asset of the kit, for the extremes
    among the partners its audience reaches and the synthetic extremes."""
    extremes = extreme_partners(kit)
    assets = (
        kit.assets.filter(kind__in=keys_where("cobranded"), current_version__isnull=False)
        .select_related("current_version", "kit")
        .order_by("position", "pk")
    )
    problems: list[Problem] = []
    for asset in assets:
        problems += asset_worst_case_problems(asset=asset, extremes=extremes)
    return problems

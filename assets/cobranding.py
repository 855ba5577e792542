"""What the asset page needs to offer a co-branded download."""

from dataclasses import dataclass, field

from assets.branding import brand_for_partner
from assets.models import Asset
from assets.rendering import BRAND_FIELD_LABELS
from assets.renditions import formats_for, missing_details
from portal.partners.models import PartnerOrganisation

FORMAT_LABELS = {
    "pdf": "PDF",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "html": "HTML e-mail",
    "eml": ".eml e-mail",
}


@dataclass
class CobrandState:
    formats: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.formats) and not self.missing


def cobrand_state(asset: Asset, partner: PartnerOrganisation) -> CobrandState:
    if not asset.kind_spec.renderable or asset.current_version is None:
        return CobrandState()
    missing = missing_details(asset, brand_for_partner(partner))
    return CobrandState(
        formats=[(fmt, FORMAT_LABELS.get(fmt, fmt.upper())) for fmt in formats_for(asset)],
        missing=[BRAND_FIELD_LABELS.get(name, name.replace("_", " ")) for name in missing],
    )

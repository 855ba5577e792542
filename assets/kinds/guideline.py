"""Messaging guidelines: rows of approved text (GuidelineEntry), shown on the
asset page and put in a kit ZIP as a text file."""

from assets.kinds.base import AssetKindSpec, ZipEntry, slug_name


class GuidelineKind(AssetKindSpec):
    key = "guideline"
    label = "Messaging guidelines"
    content_rows = "guideline_entries"
    detail_template = "assets/_guideline.html"

    def partner_detail_context(self, asset, partner, user):
        return {"entries": asset.guideline_entries.all()}

    def zip_entries(self, *, asset, partner, rendition=None):
        lines = [asset.title, "=" * len(asset.title), ""]
        for entry in asset.guideline_entries.all():
            heading = entry.get_section_display() + (f": {entry.title}" if entry.title else "")
            lines += [heading, entry.body, ""]
        return [
            ZipEntry(
                name=slug_name(asset.title, "guidelines", ".txt"), data="\n".join(lines).encode()
            )
        ]

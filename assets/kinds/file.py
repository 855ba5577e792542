"""Plain files: downloaded as uploaded, without co-branding."""

from pathlib import PurePosixPath

from assets.kinds.base import VersionedKind, ZipEntry, slug_name
from assets.rendering import RenderError


class FileKind(VersionedKind):
    key = "file"
    label = "File download"
    source_fields = frozenset({"file"})
    needs_file = True
    plain_download = True
    detail_template = None

    def claims(self, sniffed):
        # Anything can be a plain download; it is the best fit for what no
        # other kind can use (videos, office files, archives).
        if sniffed.content in {"pdf", "png", "jpeg", "webp"}:
            return 40
        if sniffed.content in {"html", "text"}:
            return 10
        return 90

    def zip_entries(self, *, asset, partner, rendition=None):
        version = asset.current_version
        name = slug_name(asset.title, "file", PurePosixPath(version.source_name).suffix.lower())
        if not version.source_file:
            raise RenderError(f"“{asset.title}” is not available right now.")
        return [ZipEntry(name=name, stored=version.source_file, file_name=name)]

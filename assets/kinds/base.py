"""The contract every asset kind implements, and the shared bases.

An `AssetKindSpec` answers every question whose answer depends on the kind
of an asset: what it can be downloaded as, which source fields it uses,
what to check when an admin saves its source, how to render and preview it,
what it puts in a kit ZIP, how its source goes to and comes back from a
folder, and what its page shows a partner. Code outside `assets.kinds`
asks the spec (`asset.kind_spec`, `spec_for(key)`, `keys_where(...)`) and
never compares kinds itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

from assets.rendering import (
    LEGAL_LINES,
    CaseProblem,
    Output,
    RenderError,
    missing_brand_details,
    preview_pngs,
)

if TYPE_CHECKING:
    from assets.kinds.sniff import Sniffed
    from assets.models import Asset, AssetVersion
    from assets.rendering import Brand, RenderContext
    from portal.partners.models import PartnerOrganisation

#: The small metadata file of an exported source.
SOURCE_JSON = "source.json"
#: File names an exported source file may not take (they hold the rest).
#: The subfolder of an exported source holding the version's pictures.
PICTURES_DIR = "pictures"
RESERVED_NAMES = frozenset(
    {
        SOURCE_JSON,
        "template.html",
        "style.css",
        "subject.txt",
        "layout.json",
        "entries.json",
        "lessons.json",
        "lessons",
        PICTURES_DIR,
    }
)
#: The file of an exported source that holds each admin form field, for
#: errors found by `check_source` ("" for the uploaded file: its own name).
FIELD_FILES = {
    "template": "template.html",
    "stylesheet": "style.css",
    "subject": "subject.txt",
    "layout": "layout.json",
    "pictures": PICTURES_DIR + "/",
    "output_format": SOURCE_JSON,
    "source_upload": "",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class SourceFolderError(Exception):
    """An exported source folder that cannot be read back; `message` names
    the file and says what is wrong, and can be shown as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class PictureFile:
    """One named picture of an exported version, as read from its folder
    (not yet checked as an image)."""

    name: str
    original_name: str
    path: str  # inside the source folder, for messages: "pictures/badge.png"
    data: bytes = field(repr=False)


@dataclass
class ContentRow:
    """One content row (a guideline entry, a lesson) as plain values, with
    the row's file when it has one."""

    values: dict
    file_name: str = ""
    file_path: str = ""  # inside the source folder, for messages
    file_data: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SourceProblem:
    """Something wrong with an exported source: the file (inside the source
    folder) and the field or place in it it concerns, and what is wrong."""

    file: str
    field: str
    message: str


@dataclass
class SourceFields:
    """An asset version's source as plain values, as read from a folder:
    what `assets.services.asset_version_create` takes (the file as its
    name and bytes, the pictures as files still to be checked), plus the
    content rows of kinds that have rows instead of versions."""

    template: str = ""
    stylesheet: str = ""
    subject: str = ""
    layout: list = field(default_factory=list)
    output_format: str = ""
    file_name: str = ""
    file_data: bytes | None = field(default=None, repr=False)
    pictures: list[PictureFile] = field(default_factory=list)
    rows: list[ContentRow] = field(default_factory=list)

    @property
    def has_version(self) -> bool:
        """Whether anything of a version's source is there (an asset
        exported before it had a source has none)."""
        return bool(
            self.template
            or self.stylesheet
            or self.subject
            or self.layout
            or self.output_format
            or self.file_data is not None
            or self.pictures
        )


@dataclass
class ZipEntry:
    """One file of a partner's kit ZIP: its name inside the archive and
    either bytes or a stored file to stream. `file_name` is what the
    download record says the partner took; empty for entries that are not
    counted as downloads."""

    name: str
    data: bytes | None = None
    stored: Any = None  # a FieldFile, opened and streamed by the bundle
    file_name: str = ""


class AssetKindSpec:
    """The contract of one asset kind. Subclasses set the class attributes
    and override the methods whose default does not fit."""

    #: The value stored in `Asset.kind` (an `AssetKind` member's value).
    key: ClassVar[str]
    #: Human name, as in the model's choices.
    label: ClassVar[str]
    #: Co-branded download formats, the default first; empty when the kind
    #: is not rendered to a file.
    formats: ClassVar[tuple[str, ...]] = ()
    #: Whether the kind carries the partner's brand (a file or a web page).
    cobranded: ClassVar[bool] = False
    #: Whether outputs may be rendered ahead of a partner's request (the
    #: output depends on nothing but the source and the partner's profile).
    prerenderable: ClassVar[bool] = False
    #: Whether the kit ZIP carries the partner's rendition of the asset in
    #: its default format (`zip_entries` is then given that rendition).
    zip_rendition: ClassVar[bool] = False
    #: Whether the output has pages (a preview is "the first page").
    paged: ClassVar[bool] = False
    #: Admin source fields this kind uses, out of: file, template,
    #: stylesheet, subject, layout, output_format, pictures (the version's
    #: named pictures, assets/resources.py).
    source_fields: ClassVar[frozenset[str]] = frozenset()
    #: Whether a saved source must have an uploaded file.
    needs_file: ClassVar[bool] = False
    #: Whether a saved source must have template text.
    needs_template: ClassVar[bool] = False
    #: The related name of the rows that make up the content (guideline
    #: entries, lessons), for kinds that have rows instead of versions.
    content_rows: ClassVar[str | None] = None
    #: Whether partners download the uploaded file as it is.
    plain_download: ClassVar[bool] = False
    #: Whether partners publish it as their own landing page.
    landing_page: ClassVar[bool] = False
    #: Whether it can serve as the social card of a kit's landing pages.
    social_card: ClassVar[bool] = False
    #: The template included on the partner's asset page, or None.
    detail_template: ClassVar[str | None] = None
    #: The admin source field that must print the legal lines, and how.
    legal_source_field: ClassVar[str] = "template"
    legal_how: ClassVar[str] = "add {{ legal.lines|linebreaksbr }} to the template"

    # --- derived facts ---------------------------------------------------

    @property
    def renderable(self) -> bool:
        """Rendered to a co-branded file (it has download formats)."""
        return bool(self.formats)

    @property
    def has_layout(self) -> bool:
        """Its source has zones placed on a base (the zone editor edits them)."""
        return "layout" in self.source_fields

    @property
    def content_from_rows(self) -> bool:
        """The content is rows edited inline, not versions of a source."""
        return self.content_rows is not None

    @property
    def versioned(self) -> bool:
        """Saving the asset's source makes a new version."""
        return not self.content_from_rows

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key}>"

    # --- sources -----------------------------------------------------------

    def variables(self, version: AssetVersion | None) -> set[str]:
        """Registry names the source uses ('partner.phone', 'field.x',
        'today'). Raises RenderError for a source that cannot be read."""
        return set()

    def uses_today(self, version: AssetVersion | None) -> bool:
        """Whether the output prints today's date, so it (and every cache
        entry of it) changes at midnight. A source that cannot be read
        counts as dated: nothing is kept past midnight by mistake."""
        try:
            return "today" in self.variables(version)
        except RenderError:
            return True

    def prints_legal_lines(self, version: AssetVersion | None) -> bool:
        """Whether the source prints the legal lines (``legal.lines``)."""
        if version is None:
            return False
        try:
            return LEGAL_LINES in self.variables(version)
        except (RenderError, KeyError, ValueError, TypeError):
            return False

    def missing_details(self, version: AssetVersion | None, brand: Brand) -> list[str]:
        """Brand-profile fields the source needs that `brand` lacks."""
        if not self.renderable or version is None:
            return []
        return missing_brand_details(brand, self.variables(version))

    def check_source(
        self,
        *,
        template: str,
        subject: str,
        layout: list,
        upload,
        field_names: set[str],
        current_file=None,
        stylesheet: str = "",
        resource_names: set[str] | frozenset[str] = frozenset(),
        legal_rules: Sequence[str] = (),
    ) -> list[tuple[str, str]]:
        """(admin form field, message) for every problem in a source about
        to be saved. `upload` is a new file or None; `current_file` the
        current version's stored file, if any; `resource_names` the names
        of the pictures the new version will carry; `legal_rules` the
        messaging rules (described in words) whose legal lines the output
        must print (assets.messaging.legal_rule_names)."""
        problems: list[tuple[str, str]] = []
        if legal_rules and self.cobranded:
            draft = SimpleNamespace(
                template=template, subject=subject, layout=layout, stylesheet=stylesheet
            )
            try:
                prints = LEGAL_LINES in self.variables(draft)
            except (RenderError, KeyError, ValueError, TypeError, AttributeError):
                prints = True  # a broken source: its own checks say what is wrong
            if not prints:
                named = "; ".join(legal_rules)
                problems.append(
                    (
                        self.legal_source_field,
                        f"The messaging rules require legal lines on this asset ({named}): "
                        f"{self.legal_how}.",
                    )
                )
        if self.needs_file and upload is None and not current_file:
            problems.append(("source_upload", "This kind of asset needs a source file."))
        if self.needs_template and not template.strip():
            problems.append(("template", "This kind of asset needs a template."))
        if upload is not None:
            limit = settings.ASSET_MAX_UPLOAD_BYTES
            if upload.size > limit:
                problems.append(
                    (
                        "source_upload",
                        f"This file is {filesizeformat(upload.size)}; "
                        f"the limit is {filesizeformat(limit)}.",
                    )
                )
        return problems

    # --- uploads ----------------------------------------------------------

    def claims(self, sniffed: Sniffed) -> int:
        """How well an uploaded file (`sniffed` from its content) fits this
        kind, 0 to 100: 0 means it can't become one; the bulk upload
        proposes the kinds with the highest scores first."""
        return 0

    def source_from_upload(self, name: str, data: bytes) -> SourceFields:
        """The first source an uploaded file gives an asset of this kind
        (the file itself, or its text as the template). What the upload
        can't give (zones, a subject) is left empty for the admin to add."""
        return SourceFields()

    def thumbnail_output(
        self, *, asset: Asset, version: AssetVersion | None, upload: tuple[str, bytes] | None
    ) -> Output | None:
        """What the asset's thumbnail is a picture of: the stored (or a
        pending uploaded `(name, bytes)`) file, or a render with sample
        values; None for a plain kind icon. Raises RenderError when the
        source can't be shown."""
        return None

    def fit_warnings(self, version: AssetVersion, ctx: RenderContext) -> list[str]:
        """Text that will not fit when rendered with `ctx` (admin preview)."""
        return []

    # --- outputs -----------------------------------------------------------

    def render(
        self, *, asset: Asset, version: AssetVersion, ctx: RenderContext, output_format: str
    ) -> Output:
        """Render one version for one context: no caching, no database
        writes. Raises RenderError with a message safe to show."""
        raise RenderError("This kind of asset is not rendered to a file.")

    def preview_pages(self, output: Output, *, max_pages: int = 1) -> list[bytes]:
        """PNG pictures of the first `max_pages` pages of a rendered output
        (partner and admin previews use the first)."""
        return preview_pngs(output, max_pages=max_pages)

    def zip_entries(
        self, *, asset: Asset, partner: PartnerOrganisation, rendition=None
    ) -> list[ZipEntry]:
        """What the asset puts in the partner's kit ZIP (names without the
        position prefix). Kinds with `zip_rendition` are given the partner's
        stored rendition (rendered here when None). Raises RenderError
        naming the asset."""
        return []

    def message_preview(
        self, *, version: AssetVersion, ctx: RenderContext
    ) -> tuple[str, str] | None:
        """(subject line, HTML body with its pictures inline) for kinds that
        are messages; None for the others. Raises RenderError."""
        return None

    def extreme_problems(
        self,
        *,
        asset: Asset,
        version: AssetVersion,
        cases: Sequence[tuple[str, RenderContext]],
        min_logo_mm: float,
        image_px_per_mm: float,
    ) -> list[CaseProblem]:
        """What goes wrong when the version is rendered for each named
        context (the worst-case check before publishing); [] for kinds
        without co-branded output."""
        return []

    # --- the partner's asset page ---------------------------------------------

    def partner_detail_context(self, asset: Asset, partner: PartnerOrganisation, user) -> dict:
        """Extra context for the partner's asset page (`detail_template`)."""
        return {}

    # --- export and import ------------------------------------------------------

    def export_source(
        self, version: AssetVersion | None, folder: Path, *, asset: Asset | None = None
    ) -> None:
        """Write the version's source into `folder` (created if missing) as
        human-readable files: `source.json` with the kind and small
        metadata, plus one file per source field the kind uses (pictures
        under `pictures/`). Kinds with content rows write the rows of
        `asset` (and their files). No database writes."""
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"kind": self.key}
        if version is not None:
            self._export_fields(version, folder, meta)
        if asset is not None and self.content_from_rows:
            self._export_rows(asset, folder, meta)
        _write_text(folder / SOURCE_JSON, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    def import_source(self, folder: Path) -> SourceFields:
        """Read a folder written by `export_source` back, checking it.
        Raises SourceFolderError naming the file at fault. No database
        writes."""
        meta = _read_json(folder / SOURCE_JSON, dict)
        if meta.get("kind") != self.key:
            raise SourceFolderError(
                f"{SOURCE_JSON}: this folder holds a “{meta.get('kind')}” source, not “{self.key}”."
            )
        fields = SourceFields()
        self._import_fields(folder, meta, fields)
        if self.content_from_rows:
            self._import_rows(folder, meta, fields)
        return fields

    def _export_fields(self, version: AssetVersion, folder: Path, meta: dict) -> None:
        """Write this kind's source fields; `meta` goes to source.json."""

    def _import_fields(self, folder: Path, meta: dict, fields: SourceFields) -> None:
        """Fill `fields` from the folder's files and `meta`."""

    def _export_rows(self, asset: Asset, folder: Path, meta: dict) -> None:
        """Write the asset's content rows (kinds with `content_rows`)."""

    def _import_rows(self, folder: Path, meta: dict, fields: SourceFields) -> None:
        """Fill `fields.rows` from the folder (kinds with `content_rows`)."""

    def row_problems(self, rows: list[ContentRow]) -> list[SourceProblem]:
        """Every problem with content rows read by `import_source`, each
        naming the file and the row's field. No database writes."""
        return []

    def content_rows_store(self, *, asset: Asset, rows: list[ContentRow]) -> None:
        """Create the asset's content rows (and their files) from checked
        `rows`."""

    def problem_file(self, form_field: str | None, fields: SourceFields) -> str:
        """The file of an exported source that a `check_source` problem on
        `form_field` concerns."""
        name = FIELD_FILES.get(form_field or "", SOURCE_JSON)
        if name == "":
            return fields.file_name or SOURCE_JSON
        return name


class VersionedKind(AssetKindSpec):
    """Kinds whose source is a version with an uploaded file or template."""

    def source_from_upload(self, name, data):
        if "file" in self.source_fields:
            return SourceFields(file_name=name, file_data=data)
        return SourceFields()

    def thumbnail_output(self, *, asset, version, upload):
        if "file" not in self.source_fields:
            return None
        if version is not None and version.source_file:
            try:
                with version.source_file.open("rb") as handle:
                    name, data = version.source_name, handle.read()
            except OSError:
                raise RenderError("The source file is missing.") from None
        elif upload is not None:
            name, data = upload
        else:
            return None
        return previewable_file(name, data)

    def _export_fields(self, version, folder, meta):
        super()._export_fields(version, folder, meta)
        if "output_format" in self.source_fields and version.output_format:
            meta["output_format"] = version.output_format
        if "file" in self.source_fields and version.source_file:
            name = exported_file_name(version.source_name or version.source_file.name)
            with version.source_file.open("rb") as handle:
                (folder / name).write_bytes(handle.read())
            meta["file"] = name
        if "pictures" in self.source_fields:
            pictures = []
            for row in version.resources.all():
                extension = "jpg" if row.content_type == "image/jpeg" else "png"
                path = f"{PICTURES_DIR}/{row.name}.{extension}"
                (folder / PICTURES_DIR).mkdir(exist_ok=True)
                with row.file.storage.open(row.file.name, "rb") as handle:
                    (folder / path).write_bytes(handle.read())
                entry = {"name": row.name, "file": path}
                if row.original_name:
                    entry["original_name"] = row.original_name
                pictures.append(entry)
            if pictures:
                meta["pictures"] = pictures

    def _import_fields(self, folder, meta, fields):
        super()._import_fields(folder, meta, fields)
        output_format = meta.get("output_format", "")
        if output_format and output_format not in self.formats:
            raise SourceFolderError(
                f"{SOURCE_JSON}: “{output_format}” is not a format of this kind "
                f"(one of {', '.join(self.formats) or 'none'})."
            )
        fields.output_format = output_format
        if "file" in self.source_fields:
            name = meta.get("file")
            if not name:
                if self.needs_file:
                    raise SourceFolderError(f"{SOURCE_JSON}: names no source file.")
                return
            if not isinstance(name, str) or exported_file_name(name) != name:
                raise SourceFolderError(f"{SOURCE_JSON}: “{name}” is not a plain file name.")
            path = folder / name
            if not path.is_file():
                raise SourceFolderError(f"{name}: the source file is missing.")
            fields.file_name, fields.file_data = name, path.read_bytes()
        if "pictures" in self.source_fields:
            fields.pictures = _read_pictures(folder, meta.get("pictures", []))
        elif meta.get("pictures"):
            raise SourceFolderError(f"{SOURCE_JSON}: this kind of asset has no pictures.")


class CobrandedKind(VersionedKind):
    """Kinds rendered with the partner's brand to downloadable files."""

    cobranded = True
    prerenderable = True
    zip_rendition = True

    def extreme_problems(self, *, asset, version, cases, min_logo_mm, image_px_per_mm):
        """Render for each case; every render that fails is a problem."""
        problems = []
        for case, ctx in cases:
            try:
                self.render_check(asset=asset, version=version, ctx=ctx)
            except RenderError as exc:
                problems.append(CaseProblem("Whole asset", case, exc.message))
        return problems

    def render_check(self, *, asset, version, ctx) -> None:
        """Render once to see whether it works (the default format)."""
        self.render(asset=asset, version=version, ctx=ctx, output_format=self.formats[0])

    def zip_entries(self, *, asset, partner, rendition=None):
        from assets import renditions

        if rendition is None:
            try:
                rendition = renditions.render_for_partner(asset=asset, partner=partner)
            except RenderError as exc:
                raise RenderError(f"“{asset.title}”: {exc.message}") from exc
        return [
            ZipEntry(name=rendition.filename, stored=rendition.file, file_name=rendition.filename)
        ]

    def partner_detail_context(self, asset, partner, user):
        from assets.cobranding import cobrand_state

        return {"cobrand": cobrand_state(asset, partner)}


def previewable_file(name: str, data: bytes) -> Output | None:
    """A stored file as an Output the preview functions can draw (a PDF or
    a picture, told by content), or None for any other file."""
    from assets.kinds.sniff import sniff

    content = sniff(name, data[:4096]).content
    if content == "pdf":
        return Output(name, "application/pdf", data)
    if content in {"png", "jpeg", "webp", "gif"}:
        return Output(name, f"image/{content}", data)
    return None


def exported_file_name(original: str) -> str:
    """A safe, readable file name for an exported source file: the original
    base name without path or odd characters, never one of the reserved
    names."""
    name = _UNSAFE.sub("-", PurePosixPath(original.replace("\\", "/")).name).strip(" .-")
    if not name:
        name = "source"
    if name in RESERVED_NAMES or name.startswith("."):
        name = "source-" + name.lstrip(".")
    return name[:200]


def _read_pictures(folder: Path, entries) -> list[PictureFile]:
    from assets.rendering import NAME_PATTERN

    if not isinstance(entries, list):
        raise SourceFolderError(f"{SOURCE_JSON}: “pictures” must be a list.")
    pictures, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{SOURCE_JSON}: picture {number}"
        if not isinstance(entry, dict):
            raise SourceFolderError(f"{where} must be an object with “name” and “file”.")
        name, path = entry.get("name"), entry.get("file")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SourceFolderError(
                f"{where}: “{name}” is not a picture name (lower-case letters, digits, - and _)."
            )
        if name in seen:
            raise SourceFolderError(f"{where}: there are two pictures called “{name}”.")
        seen.add(name)
        plain = isinstance(path, str) and path.startswith(PICTURES_DIR + "/")
        if not plain or exported_file_name(path[len(PICTURES_DIR) + 1 :]) != path.split("/", 1)[1]:
            raise SourceFolderError(f"{where}: “{path}” is not a file under {PICTURES_DIR}/.")
        if not (folder / path).is_file():
            raise SourceFolderError(f"{path}: the picture file is missing.")
        original = entry.get("original_name", "")
        pictures.append(
            PictureFile(
                name=name,
                original_name=str(original)[:200] if original else "",
                path=path,
                data=(folder / path).read_bytes(),
            )
        )
    return pictures


def model_problems(instance, *, file: str, where: str, exclude=()) -> list[SourceProblem]:
    """A model instance's own validation (`full_clean`) as problems naming
    `file` and each field as `<where>.<field>`."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        return [
            SourceProblem(file, f"{where}.{name}" if name != "__all__" else where, message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def rows_json(folder: Path, name: str) -> list[dict]:
    """The list of row objects in `name` (absent: no rows)."""
    if not (folder / name).is_file():
        return []
    rows = _read_json(folder / name, list)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise SourceFolderError(f"{name}: item {number} must be an object.")
    return rows


def slug_name(title: str, fallback: str, suffix: str) -> str:
    return (slugify(title) or fallback) + suffix


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def read_text(path: Path, *, required: bool) -> str:
    """A UTF-8 text file of an exported source ('' when absent and optional)."""
    if not path.is_file():
        if required:
            raise SourceFolderError(f"{path.name}: the file is missing.")
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceFolderError(f"{path.name}: not UTF-8 text.") from None


def _read_json(path: Path, expected: type):
    text = read_text(path, required=True)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFolderError(f"{path.name}: not valid JSON (line {exc.lineno}).") from None
    if not isinstance(value, expected):
        wanted = "an object" if expected is dict else "a list"
        raise SourceFolderError(f"{path.name}: must hold {wanted}.")
    return value


read_json = _read_json
write_text = _write_text

"""Kits to and from a ZIP: the format is in docs/kit-format.md, the JSON
Schemas in assets/schemas/.

`kit_export` writes a kit, its audience (by name) and every asset's fields,
editable fields and source, the source through the asset kind's contract
(`export_source`). `kit_import` reads such a ZIP back as a new draft kit:
it checks everything first (the archive itself, the JSON, the names the
audience uses, every source as the admin's save would) and lists every
problem with the file and field it concerns; only when there is none does
it store anything, inside one transaction, removing the files it stored if
that transaction fails.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from jsonschema import Draft202012Validator

from assets.kinds import KINDS, SourceFields, SourceFolderError, spec_for
from assets.kinds.base import model_problems
from assets.models import Asset, EditableField, Kit, Tag
from assets.rendering import ImageRejected, PdfRejected, load_base_image, sanitise_pdf
from assets.resources import (
    NewPicture,
    picture_from_export,
    resource_count_problem,
)
from assets.services import asset_version_create
from portal.core.errors import DomainError
from portal.core.storage import files_saved_during
from portal.partners.models import PartnerOrganisation, PartnerType, Region, Tier

FORMAT = "cobrand-kit"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ASSET_JSON = "asset.json"
SOURCE_DIR = "source"
ARCHIVE = "(the ZIP file)"
SCHEMAS = Path(__file__).with_name("schemas")
#: A highly compressible entry smaller than this is never a bomb.
RATIO_FLOOR_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_EDITABLE_KEYS = EditableField.SETTINGS


@dataclass(frozen=True)
class ImportProblem:
    """One reason a ZIP can't be imported: the file inside the ZIP, the
    field (or place) in it, and what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} ({self.field})" if self.field else self.file
        return f"{where}: {self.message}"


class KitImportRefused(DomainError):
    """The ZIP was not imported; `problems` lists every reason."""

    status = 400
    title = "The kit was not imported"

    def __init__(self, problems: list[ImportProblem]):
        count = len(problems)
        super().__init__(
            f"The kit was not imported: {count} problem{'s' if count != 1 else ''} "
            "to fix. Nothing was stored."
        )
        self.problems = problems


@lru_cache(maxsize=2)
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def manifest_schema() -> dict:
    return _validator("kit-manifest.schema.json").schema


def asset_schema() -> dict:
    return _validator("kit-asset.schema.json").schema


# --- Export -----------------------------------------------------------------------


def _when(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _json_bytes(value) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def asset_folder_name(number: int, asset: Asset) -> str:
    return f"assets/{number:02d}-{(slugify(asset.title)[:60].strip('-') or 'asset')}"


def kit_export(*, kit: Kit) -> bytes:
    """The kit as a ZIP (docs/kit-format.md). Reads only."""
    assets = list(kit.assets.select_related("current_version").prefetch_related("editable_fields"))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "kit": {
            "title": kit.title,
            "summary": kit.summary,
            "tags": [tag.name for tag in kit.tags.all()],
            "publish_at": _when(kit.publish_at),
            "expires_at": _when(kit.expires_at),
            "cover": None,
        },
        "audience": {
            "tiers": [tier.name for tier in kit.audience_tiers.all()],
            "partner_types": list(kit.audience_types or []),
            "regions": [region.name for region in kit.audience_regions.all()],
            "partners": [partner.slug for partner in kit.audience_partners.all()],
        },
        "assets": [],
    }
    with tempfile.TemporaryDirectory(prefix="kit-export-") as scratch:
        root = Path(scratch)
        if kit.cover_image:
            suffix = PurePosixPath(kit.cover_image.name).suffix.lower()
            name = f"cover{suffix if suffix in ('.png', '.jpg', '.jpeg', '.webp') else '.png'}"
            with kit.cover_image.open("rb") as handle:
                (root / name).write_bytes(handle.read())
            manifest["kit"]["cover"] = name
        for number, asset in enumerate(assets, start=1):
            folder_name = asset_folder_name(number, asset)
            folder = root / folder_name
            folder.mkdir(parents=True)
            (folder / ASSET_JSON).write_bytes(
                _json_bytes(
                    {
                        "kind": asset.kind,
                        "title": asset.title,
                        "description": asset.description,
                        "position": asset.position,
                        "editable_fields": [
                            {key: getattr(f, key) for key in _EDITABLE_KEYS}
                            for f in asset.editable_fields.all()
                        ],
                    }
                )
            )
            asset.kind_spec.export_source(asset.current_version, folder / SOURCE_DIR, asset=asset)
            manifest["assets"].append(folder_name)
        (root / MANIFEST).write_bytes(_json_bytes(manifest))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(root / MANIFEST, MANIFEST)
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root).as_posix()
                if path.is_file() and relative != MANIFEST:
                    archive.write(path, relative)
    return buffer.getvalue()


# --- Import: the archive ---------------------------------------------------------------


def _limits() -> tuple[int, int, int, int]:
    return (
        settings.KIT_IMPORT_MAX_BYTES,
        settings.KIT_IMPORT_MAX_UNCOMPRESSED_BYTES,
        settings.KIT_IMPORT_MAX_ENTRIES,
        settings.KIT_IMPORT_MAX_RATIO,
    )


def _name_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name:
        return "the name contains a backslash; ZIP paths use “/”."
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path; every file must be inside the kit's folder."
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "the path contains “..”, “.” or an empty part."
    if any(ord(ch) < 32 for ch in name):
        return "the name contains control characters."
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link; only plain files and folders are accepted."
    if info.flag_bits & 0x1:
        return "the file is encrypted."
    return None


def _archive_problems(archive: zipfile.ZipFile) -> list[ImportProblem]:
    _, max_total, max_entries, max_ratio = _limits()
    infos = archive.infolist()
    problems = []
    if len(infos) > max_entries:
        problems.append(
            ImportProblem(
                ARCHIVE, "", f"it holds {len(infos)} entries; the limit is {max_entries}."
            )
        )
        return problems
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        if problem := _name_problem(info):
            problems.append(ImportProblem(info.filename, "", problem))
            continue
        key = info.filename.rstrip("/").lower()
        if key in seen:
            problems.append(
                ImportProblem(info.filename, "", f"a second entry named like “{seen[key]}”.")
            )
            continue
        seen[key] = info.filename
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            problems.append(
                ImportProblem(
                    info.filename,
                    "",
                    f"compressed more than {max_ratio} to 1 "
                    f"({filesizeformat(info.file_size)} unpacked): refused as a ZIP bomb.",
                )
            )
    if total > max_total:
        problems.append(
            ImportProblem(
                ARCHIVE,
                "",
                f"it unpacks to {filesizeformat(total)}; the limit is {filesizeformat(max_total)}.",
            )
        )
    for name in seen.values():  # a file that is also a folder ("a" and "a/b")
        parent = name.rstrip("/")
        while "/" in parent:
            parent = parent.rsplit("/", 1)[0]
            other = seen.get(parent.lower())
            if other is not None and not other.endswith("/"):
                problems.append(ImportProblem(name, "", f"“{other}” is a file, not a folder."))
                break
    return problems


def _extract(archive: zipfile.ZipFile, root: Path) -> list[ImportProblem]:
    """Unpack the checked entries under `root`, never more bytes than each
    entry declares."""
    problems = []
    for info in archive.infolist():
        target = root.joinpath(*info.filename.rstrip("/").split("/"))
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as source, open(target, "wb") as out:
                remaining = info.file_size
                while chunk := source.read(min(1024 * 1024, remaining + 1)):
                    remaining -= len(chunk)
                    if remaining < 0:
                        raise zipfile.BadZipFile("more data than declared")
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            problems.append(ImportProblem(info.filename, "", f"can't be unpacked ({exc})."))
    return problems


# --- Import: reading and checking -------------------------------------------------


@dataclass
class _AssetPlan:
    folder: str
    values: dict
    editable_fields: list[dict]
    source: SourceFields
    upload_data: bytes | None = None
    pictures: list[NewPicture] = field(default_factory=list)


@dataclass
class _KitPlan:
    values: dict
    tags: list[str]
    cover: tuple[str, bytes] | None
    tiers: list[Tier]
    types: list[str]
    regions: list[Region]
    partners: list[PartnerOrganisation]
    assets: list[_AssetPlan]


class _Reader:
    """Collects problems while reading an unpacked kit."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[ImportProblem] = []

    def add(self, file: str, field_name: str, message: str) -> None:
        self.problems.append(ImportProblem(file, field_name, message))

    def json_file(self, name: str, schema: str) -> dict | None:
        path = self.root / name
        if not path.is_file():
            self.add(name, "", "the file is missing.")
            return None
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.add(name, "", "not UTF-8 text.")
            return None
        except json.JSONDecodeError as exc:
            self.add(name, f"line {exc.lineno}", f"not valid JSON: {exc.msg}.")
            return None
        errors = sorted(_validator(schema).iter_errors(value), key=lambda e: list(e.path))
        for error in errors:
            where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
            self.add(name, where, error.message)
        return None if errors else value


def _parse_when(reader: _Reader, value, where: str):
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        reader.add(MANIFEST, where, f"“{value}” is not a date and time (ISO 8601).")
        return None
    if timezone.is_naive(moment):
        reader.add(MANIFEST, where, f"“{value}” has no time zone offset (add Z or +01:00).")
        return None
    return moment


def _read_kit(reader: _Reader, manifest: dict) -> _KitPlan:
    kit_json, audience = manifest["kit"], manifest.get("audience", {})
    values = {
        "title": kit_json["title"],
        "summary": kit_json.get("summary", ""),
        "publish_at": _parse_when(reader, kit_json.get("publish_at"), "kit.publish_at"),
        "expires_at": _parse_when(reader, kit_json.get("expires_at"), "kit.expires_at"),
    }
    publish_at, expires_at = values["publish_at"], values["expires_at"]
    if publish_at and expires_at and expires_at <= publish_at:
        reader.add(MANIFEST, "kit.expires_at", "the kit must expire after it is published.")
    for problem in model_problems(
        Kit(**values), file=MANIFEST, where="kit", exclude=("cover_image",)
    ):
        reader.problems.append(ImportProblem(problem.file, problem.field, problem.message))
    cover = None
    if kit_json.get("cover"):
        name = kit_json["cover"]
        path = reader.root / name
        if not path.is_file():
            reader.add(name, "", "the cover image named in manifest.json (kit.cover) is missing.")
        else:
            data = path.read_bytes()
            try:
                load_base_image(data)
            except ImageRejected as exc:
                reader.add(name, "kit.cover", exc.message)
            else:
                cover = (name, data)

    def named(model, key: str, attr: str, label: str) -> list:
        wanted = audience.get(key, [])
        found = {getattr(row, attr): row for row in model.objects.filter(**{f"{attr}__in": wanted})}
        for value in wanted:
            if value not in found:
                reader.add(MANIFEST, f"audience.{key}", f"there is no {label} “{value}” here.")
        return [found[value] for value in wanted if value in found]

    tiers = named(Tier, "tiers", "name", "tier")
    regions = named(Region, "regions", "name", "region")
    partners = named(PartnerOrganisation, "partners", "slug", "partner organisation")
    types = list(audience.get("partner_types", []))
    unknown_types = set(types) - set(PartnerType.values)
    for value in sorted(unknown_types):
        reader.add(MANIFEST, "audience.partner_types", f"there is no partner type “{value}”.")
    if audience.get("min_tier") is not None:
        reader.add(
            MANIFEST,
            "audience.min_tier",
            "this portal can't yet aim a kit at a tier and above; list the tiers in "
            "audience.tiers instead.",
        )
    if manifest.get("rules"):
        reader.add(
            MANIFEST,
            "rules",
            "this portal can't yet import messaging rules; remove them to import the kit "
            "without them.",
        )
    return _KitPlan(
        values=values,
        tags=list(kit_json.get("tags", [])),
        cover=cover,
        tiers=tiers,
        types=types,
        regions=regions,
        partners=partners,
        assets=[],
    )


def _clean_pdf(reader: _Reader, data: bytes, file: str, where: str) -> bytes:
    """Any PDF loses its active content, as an upload does."""
    if b"%PDF" not in data[:1024]:
        return data
    try:
        return sanitise_pdf(data).data
    except PdfRejected as exc:
        reader.add(file, where, exc.message)
        return data


def _read_asset(reader: _Reader, folder: str) -> _AssetPlan | None:
    asset_file = f"{folder}/{ASSET_JSON}"
    source_folder = f"{folder}/{SOURCE_DIR}"
    meta = reader.json_file(asset_file, "kit-asset.schema.json")
    if meta is None:
        return None
    kind = meta["kind"]
    if kind not in KINDS:
        reader.add(
            asset_file, "kind", f"“{kind}” is not a kind of asset (one of {', '.join(KINDS)})."
        )
        return None
    spec = spec_for(kind)
    values = {
        "kind": kind,
        "title": meta["title"],
        "description": meta.get("description", ""),
        "position": meta.get("position", 0),
    }
    for problem in model_problems(
        Asset(**values), file=asset_file, where="asset", exclude=("kit", "thumbnail")
    ):
        reader.problems.append(ImportProblem(problem.file, problem.field, problem.message))

    editable, names = [], set()
    for number, item in enumerate(meta.get("editable_fields", []), start=1):
        where = f"editable_fields.{number - 1}"
        if item["name"] in names:
            reader.add(asset_file, f"{where}.name", f"a second field called “{item['name']}”.")
        names.add(item["name"])
        row = {key: item[key] for key in _EDITABLE_KEYS if key in item}
        for problem in model_problems(
            EditableField(**row), file=asset_file, where=where, exclude=("asset",)
        ):
            reader.problems.append(ImportProblem(problem.file, problem.field, problem.message))
        if row.get("field_type") == EditableField.FieldType.CHOICE and not row.get("choices"):
            reader.add(asset_file, f"{where}.choices", "a choice field needs its choices.")
        editable.append(row)

    if not (reader.root / source_folder).is_dir():
        reader.add(source_folder, "", "the asset's source folder is missing.")
        return None
    try:
        source = spec.import_source(reader.root / source_folder)
    except SourceFolderError as exc:
        file, _, message = exc.message.partition(": ")
        reader.add(f"{source_folder}/{file}", "", message or exc.message)
        return None
    plan = _AssetPlan(folder=folder, values=values, editable_fields=editable, source=source)

    for row_problem in spec.row_problems(source.rows):
        reader.add(f"{source_folder}/{row_problem.file}", row_problem.field, row_problem.message)
    for number, row in enumerate(source.rows, start=1):
        if row.file_data is not None:
            row.file_data = _clean_pdf(
                reader, row.file_data, f"{source_folder}/{row.file_path}", f"row {number}"
            )
    if not source.has_version:
        return plan
    for picture in source.pictures:
        try:
            normalised = picture_from_export(picture.data)
        except ImageRejected as exc:
            reader.add(f"{source_folder}/{picture.path}", "pictures", exc.message)
            continue
        plan.pictures.append(
            NewPicture(name=picture.name, original_name=picture.original_name, picture=normalised)
        )
    if problem := resource_count_problem(len(source.pictures)):
        reader.add(f"{source_folder}/pictures/", "pictures", problem)
    upload = None
    if source.file_data is not None:
        upload = SimpleUploadedFile(source.file_name, source.file_data)
    for form_field, message in spec.check_source(
        template=source.template,
        stylesheet=source.stylesheet,
        subject=source.subject,
        layout=source.layout,
        upload=upload,
        field_names=names,
        resource_names={p.name for p in source.pictures},
    ):
        reader.add(
            f"{source_folder}/{spec.problem_file(form_field, source)}", form_field or "", message
        )
    if source.file_data is not None:
        plan.upload_data = _clean_pdf(
            reader, source.file_data, f"{source_folder}/{source.file_name}", "file"
        )
    return plan


def _read(root: Path, names: list[str]) -> _KitPlan | list[ImportProblem]:
    reader = _Reader(root)
    manifest = reader.json_file(MANIFEST, "kit-manifest.schema.json")
    if manifest is None:
        # Still check the assets the manifest names, so one pass lists all.
        for folder in _listed_folders(root):
            if (root / folder).is_dir():
                _read_asset(reader, folder)
        return reader.problems
    plan = _read_kit(reader, manifest)
    expected = {MANIFEST}
    if manifest["kit"].get("cover"):
        expected.add(manifest["kit"]["cover"])
    folders = manifest["assets"]
    for folder in folders:
        if not (root / folder).is_dir():
            reader.add(folder, "", "this folder, listed in manifest.json (assets), is missing.")
            continue
        asset_plan = _read_asset(reader, folder)
        if asset_plan is not None:
            plan.assets.append(asset_plan)
    for name in names:
        if name.endswith("/") or name in expected:
            continue
        if not any(name.startswith(folder + "/") for folder in folders):
            reader.add(name, "", "not part of the kit: manifest.json does not list its folder.")
    return reader.problems or plan


def _listed_folders(root: Path) -> list[str]:
    """The asset folders a manifest that failed its checks lists, when it
    can be read that far."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    listed = manifest.get("assets") if isinstance(manifest, dict) else None
    pattern = re.compile(manifest_schema()["properties"]["assets"]["items"]["pattern"])
    if not isinstance(listed, list):
        return []
    return [f for f in listed if isinstance(f, str) and pattern.match(f)]


# --- Import: storing ----------------------------------------------------------------------


def _tag_for(name: str) -> Tag:
    slug = slugify(name)[:40] or "tag"
    tag = Tag.objects.filter(name=name).first() or Tag.objects.filter(slug=slug).first()
    return tag or Tag.objects.create(name=name, slug=slug)


def _store(plan: _KitPlan, by) -> Kit:
    kit = Kit(**plan.values, status=Kit.Status.DRAFT, audience_types=plan.types)
    if plan.cover is not None:
        name, data = plan.cover
        kit.cover_image.save(name, ContentFile(data), save=False)
    kit.save()
    kit.tags.set([_tag_for(name) for name in plan.tags])
    kit.audience_tiers.set(plan.tiers)
    kit.audience_regions.set(plan.regions)
    kit.audience_partners.set(plan.partners)
    for asset_plan in plan.assets:
        asset = Asset.objects.create(kit=kit, **asset_plan.values)
        for row in asset_plan.editable_fields:
            EditableField.objects.create(asset=asset, **row)
        source = asset_plan.source
        if source.has_version:
            upload = None
            if asset_plan.upload_data is not None:
                upload = SimpleUploadedFile(source.file_name, asset_plan.upload_data)
            asset_version_create(
                asset=asset,
                by=by,
                source_file=upload,
                template=source.template,
                stylesheet=source.stylesheet,
                subject=source.subject,
                layout=source.layout,
                output_format=source.output_format,
                pictures=asset_plan.pictures,
            )
        asset.kind_spec.content_rows_store(asset=asset, rows=source.rows)
    return kit


def _remove_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def kit_import(*, zip_file, by=None) -> Kit:
    """A new draft kit from an exported ZIP (a path, or a binary file
    object). Raises KitImportRefused listing every problem; then nothing is
    stored."""
    max_bytes = _limits()[0]
    size = _size_of(zip_file)
    if size is not None and size > max_bytes:
        raise KitImportRefused(
            [
                ImportProblem(
                    ARCHIVE,
                    "",
                    f"it is {filesizeformat(size)}; the limit is {filesizeformat(max_bytes)}.",
                )
            ]
        )
    try:
        archive = zipfile.ZipFile(zip_file)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise KitImportRefused([ImportProblem(ARCHIVE, "", f"not a ZIP file ({exc}).")]) from None
    with archive, tempfile.TemporaryDirectory(prefix="kit-import-") as scratch:
        if problems := _archive_problems(archive):
            raise KitImportRefused(problems)
        root = Path(scratch)
        if problems := _extract(archive, root):
            raise KitImportRefused(problems)
        result = _read(root, archive.namelist())
    if isinstance(result, list):
        raise KitImportRefused(result)
    with files_saved_during() as stored:
        try:
            with transaction.atomic():
                return _store(result, by)
        except BaseException:
            _remove_files(stored)
            raise


def _size_of(zip_file) -> int | None:
    if isinstance(zip_file, (str, Path)):
        try:
            return Path(zip_file).stat().st_size
        except OSError:
            return None
    size = getattr(zip_file, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = zip_file.tell()
        zip_file.seek(0, io.SEEK_END)
        end = zip_file.tell()
        zip_file.seek(position)
        return end
    except (AttributeError, OSError, ValueError):
        return None


__all__ = [
    "FORMAT_VERSION",
    "ImportProblem",
    "KitImportRefused",
    "kit_export",
    "kit_import",
]

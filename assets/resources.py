"""An asset version's own pictures ("resources"): uploaded by a marketing
admin, checked like logos, stored normalised under random names, handed to
the renderer by name.

A version never changes: adding, replacing or removing a picture makes a
new version (services.asset_version_create) that carries the other pictures
over, pointing at the same stored files. The version's content hash covers
each picture's name and hash.
"""

import hashlib
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

from assets.models import Asset, AssetResource, AssetVersion
from assets.rendering import (
    NAME_PATTERN,
    ImageRejected,
    NormalisedPicture,
    RenderError,
    normalise_picture,
)

#: Largest picture file accepted; checked before anything is read.
PICTURE_MAX_BYTES = 10 * 1024 * 1024
#: Most pictures one version may carry.
MAX_PICTURES = 30


@dataclass(frozen=True)
class NewPicture:
    """A checked, normalised upload, ready to be stored under ``name``."""

    name: str
    original_name: str
    picture: NormalisedPicture


def picture_name(filename: str) -> str:
    """The name a picture gets from its file name: the stem as a slug
    ("Partner Badge.PNG" -> "partner-badge"); "" when nothing usable is left."""
    name = slugify(PurePosixPath(filename or "").stem)[:60].strip("-_")
    return name if NAME_PATTERN.match(name) else ""


def pictures_from_uploads(uploads: Iterable) -> tuple[list[NewPicture], list[str]]:
    """Check every uploaded file; returns the pictures and one message per
    unusable file, naming it. Nothing is stored here."""
    pictures: list[NewPicture] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for upload in uploads:
        filename = (upload.name or "").rsplit("/", 1)[-1]
        name = picture_name(filename)
        if not name:
            problems.append(
                f"“{filename}”: the file name must contain letters or digits; "
                "it becomes the picture's name."
            )
            continue
        if name in seen:
            problems.append(f"“{filename}” and “{seen[name]}” would both be called “{name}”.")
            continue
        seen[name] = filename
        if upload.size > PICTURE_MAX_BYTES:
            problems.append(
                f"“{filename}” is {filesizeformat(upload.size)}; pictures can be at most "
                f"{filesizeformat(PICTURE_MAX_BYTES)}."
            )
            continue
        upload.seek(0)
        data = upload.read(PICTURE_MAX_BYTES + 1)
        try:
            picture = normalise_picture(data)
        except ImageRejected as exc:
            problems.append(f"“{filename}”: {exc.message}")
            continue
        pictures.append(NewPicture(name=name, original_name=filename[:200], picture=picture))
    return pictures, problems


#: What a JPEG written by normalise_picture carries besides the pixels.
_PLAIN_JPEG_INFO = frozenset(
    {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"}
)


def picture_from_export(data: bytes) -> NormalisedPicture:
    """A picture read back from an exported kit, checked like an upload.

    Normalising a JPEG again would re-compress it and change its bytes (and
    so every output that shows it); a JPEG that is already in stored form
    (same size, RGB, no metadata) is kept as it is. Raises ImageRejected."""
    if len(data) > PICTURE_MAX_BYTES:
        raise ImageRejected(
            f"The picture is {filesizeformat(len(data))}; pictures can be at most "
            f"{filesizeformat(PICTURE_MAX_BYTES)}."
        )
    picture = normalise_picture(data)
    if picture.format != "jpeg" or picture.data == data:
        return picture
    from PIL import Image

    with Image.open(io.BytesIO(data)) as original:
        stored_form = (
            original.format == "JPEG"
            and original.mode == "RGB"
            and original.size == (picture.width, picture.height)
            and set(original.info) <= _PLAIN_JPEG_INFO
            and not original.getexif()
        )
    if not stored_form:
        return picture
    return replace(picture, data=data, sha256=hashlib.sha256(data).hexdigest())


def resource_hashes(version: AssetVersion | None) -> dict[str, str]:
    """Name -> sha256 of a version's pictures."""
    if version is None or version.pk is None:
        return {}
    return dict(version.resources.values_list("name", "sha256"))


def resources_after(
    version: AssetVersion | None,
    *,
    add: Sequence[NewPicture] = (),
    remove: Collection[str] = (),
) -> dict[str, str]:
    """Name -> sha256 of the pictures a version made from ``version`` would
    carry: its pictures without ``remove``, with ``add`` (replacing same names)."""
    hashes = {n: h for n, h in resource_hashes(version).items() if n not in set(remove)}
    hashes.update({new.name: new.picture.sha256 for new in add})
    return hashes


def resource_count_problem(count: int) -> str:
    if count > MAX_PICTURES:
        return f"An asset can have at most {MAX_PICTURES} pictures; this would make {count}."
    return ""


def resources_carry(
    *,
    source: AssetVersion | None,
    target: AssetVersion,
    add: Sequence[NewPicture] = (),
    remove: Collection[str] = (),
) -> None:
    """Give the new version ``target`` the pictures of ``source`` (the same
    stored files) except ``remove`` and those replaced by ``add``, and store
    the ``add`` pictures under random names."""
    replaced = set(remove) | {new.name for new in add}
    kept = [] if source is None else list(source.resources.exclude(name__in=replaced))
    rows = [
        AssetResource(
            version=target,
            name=row.name,
            file=row.file.name,
            original_name=row.original_name,
            sha256=row.sha256,
            content_type=row.content_type,
            width=row.width,
            height=row.height,
            size=row.size,
        )
        for row in kept
    ]
    for new in add:
        picture = new.picture
        row = AssetResource(
            version=target,
            name=new.name,
            original_name=new.original_name,
            sha256=picture.sha256,
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            size=len(picture.data),
        )
        extension = "jpg" if picture.format == "jpeg" else picture.format
        row.file.save(f"{new.name}.{extension}", ContentFile(picture.data), save=False)
        rows.append(row)
    AssetResource.objects.bulk_create(rows)


def version_resources(version: AssetVersion) -> dict[str, bytes]:
    """Name -> bytes of a version's pictures, for the renderer."""
    found = {}
    for row in version.resources.all():
        try:
            with row.file.storage.open(row.file.name, "rb") as handle:
                found[row.name] = handle.read()
        except OSError:
            raise RenderError(
                f"The picture “{row.name}” of this asset is missing; "
                "the marketing team has been told."
            ) from None
    return found


def asset_resources_replace(
    *,
    asset: Asset,
    uploads: Sequence[NewPicture] = (),
    remove: Collection[str] = (),
    by=None,
) -> AssetVersion:
    """A new version of ``asset`` with the same source and these picture
    changes (the current version when nothing changes)."""
    from assets.services import asset_version_create

    current = asset.current_version
    return asset_version_create(
        asset=asset,
        by=by,
        template=current.template if current else "",
        stylesheet=current.stylesheet if current else "",
        subject=current.subject if current else "",
        layout=current.layout if current else [],
        output_format=current.output_format if current else "",
        pictures=uploads,
        remove_pictures=remove,
    )

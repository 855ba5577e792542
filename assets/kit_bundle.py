"""A whole kit in one ZIP, co-branded for one partner, from stored renditions.

A partner's request first makes a plan: every downloadable asset of the
kit with what it puts in the ZIP, the co-branded ones by their rendition key
(nothing is rendered to find it). The plan's content key hashes those keys,
the plain files and texts, so a changed logo, field or source makes another
ZIP. Then:

- warm (every rendition stored, as after pre-rendering): the ZIP is
  assembled from the stored files and streamed at once;
- a `KitBundle` built earlier for the same content key: its file is sent;
- cold: a `KitBundle` row is made and a task builds it in the background
  (rendering what is missing), its progress stored for the kit page to show,
  which then offers the download. Without a broker the task runs inline and
  the request gets the ZIP, as before.

An asset that cannot be included (a render fails, a file went missing) no
longer sinks the ZIP: every ZIP carries a README.txt listing what it holds
and what is missing and why. Downloads are recorded when the partner takes
the ZIP, never when it is built. Whether the partner may have the kit is
decided in assets/downloads.py before anything here runs.
"""

import hashlib
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from assets import renditions, selectors, services
from assets.branding import brand_for_partner
from assets.kinds import ZipEntry
from assets.models import Asset, Kit, KitBundle, Rendition, kit_bundle_path
from assets.rendering import MissingBrandDetails, RenderError
from portal.core.atomic_files import storage_save_whole
from portal.core.queue import queue_on_commit
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)

README = "README.txt"
#: Part of every content key: a change of what a ZIP looks like makes new ones.
BUNDLE_FORMAT = 1
#: A build that has not moved for this long is taken to have died with its worker.
STALE_BUILD = timedelta(minutes=10)
#: Files compressed already: stored in the ZIP as they are, since deflating
#: them again costs time (most of a warm ZIP's) and saves next to nothing.
STORED_SUFFIXES = frozenset(
    {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip", ".docx", ".pptx", ".xlsx", ".mp4"}
)
#: How long the kit page shows a finished (or failed) build.
SHOWN_FOR = timedelta(minutes=30)


@dataclass
class KitZip:
    """A ZIP ready to send; the response closes the file once sent."""

    filename: str
    file: object


@dataclass
class Part:
    """One asset of the plan: a rendition to take (`request`, `rendition`
    when stored), entries made already, or a problem."""

    position: int
    asset: Asset
    request: renditions.RenderRequest | None = None
    rendition: Rendition | None = None
    entries: list[ZipEntry] = field(default_factory=list)
    problem: str = ""

    @property
    def cold(self) -> bool:
        return self.request is not None and self.rendition is None and not self.problem

    def identity(self) -> list:
        if self.problem:
            return [self.asset.pk, "missing", self.problem]
        if self.request is not None:
            return [self.asset.pk, "rendition", self.request.key]
        return [
            self.asset.pk,
            "entries",
            [
                [
                    entry.name,
                    entry.stored.name
                    if entry.stored is not None
                    else hashlib.sha256(entry.data or b"").hexdigest(),
                ]
                for entry in self.entries
            ],
        ]


@dataclass
class Plan:
    kit: Kit
    partner: PartnerOrganisation
    parts: list[Part]
    filename: str

    @property
    def warm(self) -> bool:
        return not any(part.cold for part in self.parts)

    @property
    def content_key(self) -> str:
        text = json.dumps(
            [BUNDLE_FORMAT, self.kit.pk, self.partner.pk, self.filename]
            + [part.identity() for part in self.parts]
        )
        return hashlib.sha256(text.encode()).hexdigest()


# --- The plan ------------------------------------------------------------------


def kit_zip_plan(*, kit: Kit, partner: PartnerOrganisation) -> Plan:
    """What the partner's ZIP of the kit holds, without rendering anything.

    Raises MissingBrandDetails, naming everything missing at once, when the
    profile lacks what any asset needs: nothing is built or handed out."""
    assets = list(
        selectors.kit_assets(kit).prefetch_related("guideline_entries", "editable_fields")
    )
    brand = brand_for_partner(partner)
    missing: list[str] = []
    for asset in assets:
        missing += [m for m in renditions.missing_details(asset, brand) if m not in missing]
    if missing:
        raise MissingBrandDetails(missing)
    parts = []
    for position, asset in enumerate(assets, start=1):
        part = Part(position=position, asset=asset)
        spec = asset.kind_spec
        try:
            if spec.zip_rendition:
                part.request = renditions.request_for_partner(asset=asset, partner=partner)
                part.rendition = renditions.rendition_stored(part.request)
            else:
                part.entries = spec.zip_entries(asset=asset, partner=partner)
        except RenderError as exc:
            part.problem = exc.message
        parts.append(part)
    filename = f"{slugify(kit.title) or 'kit'}-{partner.slug}.zip"
    return Plan(kit=kit, partner=partner, parts=parts, filename=filename)


# --- Writing a ZIP ----------------------------------------------------------------


@dataclass
class Written:
    contents: list[dict]  # {"asset": id, "name": in the ZIP, "file_name": recorded}
    missing: list[dict]  # {"asset": id, "title": ..., "reason": ...}


def _write_zip(
    plan: Plan, handle, *, render: bool, after_part: Callable[[], None] | None = None
) -> Written:
    """Write the plan's ZIP into `handle`. With `render`, renditions not yet
    stored are rendered (a failure is listed as missing); without, they are
    listed as missing."""
    used: set[str] = set()
    written = Written(contents=[], missing=[])

    def unique(name: str) -> str:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        candidate, n = name, 2
        while candidate in used or candidate == README:
            candidate, n = f"{stem}-{n}{suffix}", n + 1
        used.add(candidate)
        return candidate

    def lost(part: Part, reason: str) -> None:
        written.missing.append(
            {"asset": part.asset.pk, "title": part.asset.title, "reason": reason}
        )

    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in plan.parts:
            _write_part(
                archive, plan, part, render=render, unique=unique, written=written, lost=lost
            )
            if after_part is not None:
                after_part()
        archive.writestr(README, _readme(plan, written))
    return written


def _write_part(archive, plan, part, *, render, unique, written, lost) -> None:
    if part.problem:
        lost(part, part.problem)
        return
    entries = part.entries
    if part.request is not None:
        rendition = part.rendition
        if rendition is None and render:
            try:
                rendition = renditions.rendition_get_or_create(part.request)
            except RenderError as exc:
                lost(part, exc.message)
                return
        if rendition is None:
            lost(part, "Not prepared yet.")
            return
        entries = part.asset.kind_spec.zip_entries(
            asset=part.asset, partner=plan.partner, rendition=rendition
        )
    prefix = f"{part.position:02d}-"
    for entry in entries:
        if entry.stored is not None:
            try:
                source = entry.stored.open("rb")
            except OSError:
                lost(part, "The file is not available right now.")
                continue
            name = unique(prefix + entry.name)
            info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = (
                zipfile.ZIP_STORED
                if PurePosixPath(name).suffix.lower() in STORED_SUFFIXES
                else zipfile.ZIP_DEFLATED
            )
            with source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        else:
            name = unique(prefix + entry.name)
            archive.writestr(name, entry.data or b"")
        written.contents.append(
            {"asset": part.asset.pk, "name": name, "file_name": entry.file_name}
        )


def _readme(plan: Plan, written: Written) -> str:
    titles = {part.asset.pk: part.asset.title for part in plan.parts}
    lines = [
        f"{plan.kit.title}",
        f"Prepared for {brand_for_partner(plan.partner).name} on {timezone.now():%d %B %Y}.",
        "",
        "In this ZIP:",
    ]
    lines += [f"- {item['name']}: {titles.get(item['asset'], '')}" for item in written.contents]
    if not written.contents:
        lines.append("- nothing")
    if written.missing:
        lines += ["", "Missing from this ZIP:"]
        lines += [f"- {item['title']}: {item['reason']}" for item in written.missing]
        lines += ["", "Download the missing items from their own pages once they are fixed."]
    return "\n".join(lines) + "\n"


def _events(plan: Plan, contents: list[dict], user) -> list:
    assets = {part.asset.pk: part.asset for part in plan.parts}
    return [
        services.download_event(
            user=user,
            organisation=plan.partner,
            asset=assets[item["asset"]],
            file_name=item["file_name"],
        )
        for item in contents
        if item["file_name"] and item["asset"] in assets
    ]


# --- The partner's request ------------------------------------------------------------


def kit_zip_for_partner(*, kit: Kit, partner: PartnerOrganisation, user) -> KitZip | KitBundle:
    """The partner's ZIP of the kit when it can be had now (the downloads
    recorded), else the KitBundle being built in the background.

    Raises MissingBrandDetails when the profile lacks what an asset needs."""
    plan = kit_zip_plan(kit=kit, partner=partner)
    key = plan.content_key
    bundle = KitBundle.objects.filter(kit=kit, partner=partner, content_key=key).first()
    if bundle is not None and bundle.status == KitBundle.Status.READY:
        sent = _open_built(plan, bundle, user)
        if sent is not None:
            return sent
        bundle = None  # its file went missing: build it again
    if plan.warm:
        return _assemble_now(plan, user)
    bundle = _bundle_start(plan, key, bundle)
    if bundle.status == KitBundle.Status.READY:  # built inline (no broker)
        sent = _open_built(plan, bundle, user)
        if sent is not None:
            return sent
    return bundle


def _assemble_now(plan: Plan, user) -> KitZip:
    # Handed to the response, which closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    written = _write_zip(plan, spool, render=False)
    services.download_record(*_events(plan, written.contents, user))
    spool.seek(0)
    return KitZip(filename=plan.filename, file=spool)


def _open_built(plan: Plan, bundle: KitBundle, user) -> KitZip | None:
    try:
        handle = bundle.file.open("rb")
    except (OSError, ValueError):
        log.error("kit bundle file missing, building again: %s", bundle.file.name)
        KitBundle.objects.filter(pk=bundle.pk).delete()
        return None
    services.download_record(*_events(plan, bundle.contents, user))
    return KitZip(filename=bundle.filename, file=handle)


def _bundle_start(plan: Plan, key: str, bundle: KitBundle | None) -> KitBundle:
    """The bundle for this key, its build queued unless one is under way."""
    from assets import tasks

    created = False
    if bundle is None:
        bundle, created = KitBundle.objects.get_or_create(
            kit=plan.kit,
            partner=plan.partner,
            content_key=key,
            defaults={"filename": plan.filename, "total": len(plan.parts)},
        )
    if bundle.status == KitBundle.Status.READY:
        return bundle
    start = created
    stale = timezone.now() - bundle.updated_at > STALE_BUILD
    if not created and (bundle.status == KitBundle.Status.FAILED or stale):
        # Asked again after a failure, or its worker died: build it again.
        start = bool(
            KitBundle.objects.filter(pk=bundle.pk, updated_at=bundle.updated_at).update(
                status=KitBundle.Status.PENDING, done=0, message="", updated_at=timezone.now()
            )
        )
    if start:
        if _runs_inline():
            tasks.kit_bundle_build.delay(bundle.pk)  # here and now
        else:
            queue_on_commit(tasks.kit_bundle_build, bundle.pk)
    bundle.refresh_from_db()
    return bundle


def _runs_inline() -> bool:
    from portal.celery import app

    return bool(app.conf.task_always_eager)


# --- The build (a task) --------------------------------------------------------------------


def kit_bundle_build(*, bundle_id: int) -> str:
    """Build a queued KitBundle: render what is missing, write the ZIP with
    its README, store it and mark it ready. Idempotent: a bundle that is
    ready, or being built by someone else, is left alone."""
    now = timezone.now()
    claimed = KitBundle.objects.filter(pk=bundle_id, status=KitBundle.Status.PENDING).update(
        status=KitBundle.Status.BUILDING, done=0, updated_at=now
    ) or (
        KitBundle.objects.filter(
            pk=bundle_id, status=KitBundle.Status.BUILDING, updated_at__lt=now - STALE_BUILD
        ).update(done=0, updated_at=now)
    )
    if not claimed:
        return "skipped"
    bundle = KitBundle.objects.select_related("kit", "partner").get(pk=bundle_id)
    try:
        plan = kit_zip_plan(kit=bundle.kit, partner=bundle.partner)
    except RenderError as exc:
        _bundle_failed(bundle_id, exc.message)
        return "failed"
    if plan.content_key != bundle.content_key:
        _bundle_failed(bundle_id, "The kit or your profile changed meanwhile: ask for it again.")
        return "failed"

    def after_part():
        KitBundle.objects.filter(pk=bundle_id).update(done=F("done") + 1, updated_at=timezone.now())

    with tempfile.TemporaryFile() as handle:
        written = _write_zip(plan, handle, render=True, after_part=after_part)
        handle.seek(0)
        name = _store(kit_bundle_path(bundle, bundle.filename), handle)
    KitBundle.objects.filter(pk=bundle_id).update(
        status=KitBundle.Status.READY,
        file=name,
        contents=written.contents,
        missing=written.missing,
        done=len(plan.parts),
        updated_at=timezone.now(),
    )
    log.info(
        "kit bundle %s built: %d files, %d missing",
        bundle_id,
        len(written.contents),
        len(written.missing),
    )
    return "ready"


def _bundle_failed(bundle_id: int, message: str) -> None:
    KitBundle.objects.filter(pk=bundle_id).update(
        status=KitBundle.Status.FAILED, message=message, updated_at=timezone.now()
    )


def kit_bundle_give_up(*, bundle_id: int, message: str) -> None:
    """The build failed for good (its retries ran out)."""
    _bundle_failed(bundle_id, message)


def _store(name: str, handle) -> str:
    """Store a finished file so that `name` never holds a partial one."""
    return storage_save_whole(KitBundle.file.field.storage, name, handle)


# --- What the kit page shows ----------------------------------------------------------------


def kit_bundle_shown(*, kit: Kit, partner: PartnerOrganisation) -> KitBundle | None:
    """The partner's latest ZIP build of the kit while it is worth showing:
    under way, or finished (or failed) a short while ago."""
    bundle = KitBundle.objects.filter(kit=kit, partner=partner).order_by("-updated_at").first()
    if bundle is None:
        return None
    if bundle.status in (KitBundle.Status.PENDING, KitBundle.Status.BUILDING):
        return bundle
    return bundle if timezone.now() - bundle.updated_at < SHOWN_FOR else None

"""Download passes: a repeat download of the same co-branded file without
redoing the checks and lookups that led to it.

The first download of an asset in a format goes the whole way: the user's
membership, the organisation's status, the kit's audience and dates, the
brand profile and field values that make the rendition key, the rendition
itself. What that resolved to (which stored file, under which name, for
which user, organisation and version) is then kept in the cache as a pass,
under a key made of:

- the user id and session auth hash from the signed-in session, so only a
  live session of that same user, with the same password, can use it;
- the asset and the format.

Beside it is kept the *downloads generation* it was issued in. That number
is bumped whenever anything the checks read is saved or deleted (users,
memberships, organisations, profiles, kits and their audiences, assets,
versions, fields, field values, renditions), so a removed user, a suspended
partner, a re-targeted kit, a new logo or template is seen on the very next
request.

A pass also ends at the kit's expiry, at midnight (renditions show the
date), and after DOWNLOAD_PASS_SECONDS in any case. A warm download is then
a few cache reads, the file and one insert for the download event.
"""

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache

from assets.models import Asset, Rendition
from portal.generations import Generation

GENERATION = Generation("downloads")


@dataclass(frozen=True)
class DownloadPass:
    user_id: int
    organisation_id: int
    asset_id: int
    asset_version_id: int
    stored_name: str  # the rendition's name in storage
    filename: str  # the name the partner's browser saves
    content_type: str
    valid_until: float  # a Unix time


def _session_owner(session) -> tuple[str, str] | None:
    """The user id and auth hash a session claims, without touching the database."""
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if not user_id or not session_hash:
        return None
    return str(user_id), session_hash


def _key(owner: tuple[str, str], asset_id: int, output_format: str) -> str:
    user_id, session_hash = owner
    # The rendition key also hashes the vendor's name: a new one retires passes.
    proof = hashlib.sha256(f"{session_hash}|{settings.VENDOR_NAME}".encode()).hexdigest()[:32]
    return f"download-pass:{user_id}:{proof}:{asset_id}:{output_format}"


def pass_find(session, *, asset_id: int, output_format: str) -> DownloadPass | None:
    """The pass this session holds for the asset and format, if still good."""
    owner = _session_owner(session)
    if owner is None:
        return None
    key = _key(owner, asset_id, output_format)
    # The generation is stored beside the pass, not in its key, so one round
    # trip to the cache fetches both.
    found = cache.get_many([GENERATION.key, key])
    generation, held = found.get(GENERATION.key), found.get(key)
    if held is None or generation is None:
        return None
    issued_in, download_pass = held
    if issued_in != generation or time.time() >= download_pass.valid_until:
        return None
    if str(download_pass.user_id) != owner[0]:
        return None
    return download_pass


def pass_issue(
    session, *, user_id: int, asset: Asset, output_format: str, rendition: Rendition
) -> DownloadPass | None:
    """Remember a download that has just passed every check."""
    owner = _session_owner(session)
    if owner is None or owner[0] != str(user_id) or rendition.organisation_id is None:
        return None
    now = time.time()
    valid_until = min(now + settings.DOWNLOAD_PASS_SECONDS, _next_midnight())
    if asset.kit.expires_at is not None:
        valid_until = min(valid_until, asset.kit.expires_at.timestamp())
    if valid_until <= now:
        return None
    issued = DownloadPass(
        user_id=user_id,
        organisation_id=rendition.organisation_id,
        asset_id=asset.pk,
        asset_version_id=rendition.asset_version_id,
        stored_name=rendition.file.name,
        filename=rendition.filename,
        content_type=rendition.content_type,
        valid_until=valid_until,
    )
    held = (GENERATION.current(), issued)
    cache.set(_key(owner, asset.pk, output_format), held, max(1, int(valid_until - now)))
    return issued


def pass_forget(session, *, asset_id: int, output_format: str) -> None:
    owner = _session_owner(session)
    if owner is not None:
        cache.delete(_key(owner, asset_id, output_format))


def _next_midnight() -> float:
    # Renditions carry the server's local date (assets/branding.py).
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time.min).timestamp()


def connect() -> None:
    """Retire every pass when anything a download's checks read changes."""
    from django.contrib.auth import get_user_model

    from assets.models import AssetVersion, EditableField, FieldValues, Kit
    from portal.partners.models import BrandProfile, Membership, PartnerOrganisation

    GENERATION.follow(
        get_user_model(),
        Membership,
        PartnerOrganisation,
        BrandProfile,
        Kit,
        Asset,
        AssetVersion,
        EditableField,
        FieldValues,
        # A new rendition changes no existing pass; a pruned one must not be served.
        deletes_only=(Rendition,),
        relations=(Kit.audience_tiers, Kit.audience_regions, Kit.audience_partners),
        # Signing in writes last_login; that changes nothing a download checks.
        ignore_fields=("last_login",),
    )

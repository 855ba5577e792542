"""Download passes: a repeat download of the same co-branded file without
redoing the checks and lookups that led to it.

The first download of an asset in a format goes the whole way: the user's
membership, the organisation's status, the kit's audience and dates, the
brand profile and field values that make the rendition key, the rendition
itself. What that resolved to (which stored file, under which name, for
which user, organisation and version) is then kept in the cache as a pass,
under a key made of the session's key, the asset and the format. The pass
holds the user id and session auth hash it was issued to, and is used only
while the session still holds both: a signed-out or rotated session finds
nothing.

Beside it is kept the *downloads generation* it was issued in. That number
is bumped whenever anything the checks read changes (the "downloads" needs
in portal/core/cache_deps.py: users, memberships, organisations, profiles,
kits and their audiences, assets, versions, fields, field values,
renditions), so a removed user, a new password, a suspended partner, a
re-targeted kit, a new logo or template is seen on the very next request.

Passes are issued only by the download decision (assets/downloads.py).

A pass also ends at the kit's expiry, at midnight when the asset's source
prints the date (the rendition key changes then), and after
DOWNLOAD_PASS_SECONDS in any case. A warm download is then
one cache round trip (the session's data, the generation and the pass
together), the file and one insert for the download event.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import cache as cache_sessions
from django.contrib.sessions.backends import cached_db as cached_db_sessions
from django.core.cache import DEFAULT_CACHE_ALIAS, cache

from assets.branding import next_midnight
from assets.models import Asset, DownloadEvent, Rendition
from portal.core.cache_deps import GENERATIONS

# Bumped by every change listed for "downloads" in portal/core/cache_deps.py.
GENERATION = GENERATIONS["downloads"]

CACHE_BACKED_SESSIONS = (cache_sessions.SessionStore, cached_db_sessions.SessionStore)


@dataclass(frozen=True)
class DownloadPass:
    user_id: int
    session_hash: str  # the session auth hash it was issued to
    organisation_id: int
    asset_id: int
    asset_version_id: int
    stored_name: str  # the rendition's name in storage
    filename: str  # the name the partner's browser saves
    content_type: str
    valid_until: float  # a Unix time

    def event(self) -> DownloadEvent:
        """The record of one download made with this pass (unsaved)."""
        return DownloadEvent(
            user_id=self.user_id,
            organisation_id=self.organisation_id,
            asset_id=self.asset_id,
            asset_version_id=self.asset_version_id,
            file_name=self.filename,
        )


def _key(session_key: str, asset_id: int, output_format: str) -> str:
    # The rendition key also hashes the vendor's name: a new one retires passes.
    session = hashlib.sha256(f"{session_key}|{settings.VENDOR_NAME}".encode()).hexdigest()[:32]
    return f"download-pass:{session}:{asset_id}:{output_format}"


def _session_cache_key(session) -> str | None:
    """Where a cache-backed session keeps its data in the default cache, so
    it can be fetched in the same round trip as the pass; else None."""
    if not isinstance(session, CACHE_BACKED_SESSIONS):
        return None
    if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
        return None
    return session.cache_key


def pass_find(session, *, asset_id: int, output_format: str) -> DownloadPass | None:
    """The pass this session holds for the asset and format, if still good."""
    session_key = session.session_key
    if not session_key:
        return None
    key = _key(session_key, asset_id, output_format)
    session_cache_key = _session_cache_key(session)
    # The session's data, the generation and the pass in one round trip.
    wanted = [GENERATION.key, key] + ([session_cache_key] if session_cache_key else [])
    found = cache.get_many(wanted)
    held, generation = found.get(key), found.get(GENERATION.key)
    if held is None or generation is None:
        return None
    # Not in the cache: the checked path loads the session the usual way.
    data = found.get(session_cache_key) if session_cache_key else session
    if not data:
        return None
    issued_in, download_pass = held
    if issued_in != generation or time.time() >= download_pass.valid_until:
        return None
    if data.get(SESSION_KEY) != str(download_pass.user_id):
        return None
    if data.get(HASH_SESSION_KEY) != download_pass.session_hash:
        return None
    return download_pass


def pass_issue(
    session,
    *,
    generation: int,
    user_id: int,
    asset: Asset,
    output_format: str,
    rendition: Rendition,
    dated: bool | None = None,
) -> DownloadPass | None:
    """Remember a download that has just passed every check. `generation` is
    GENERATION.current() read before the checks began. `dated`: whether the
    file shows today's date, so the pass ends at midnight (by default, when
    the asset's current source uses `today`)."""
    session_hash = session.get(HASH_SESSION_KEY)
    if (
        not session.session_key
        or session.get(SESSION_KEY) != str(user_id)
        or not session_hash
        or rendition.organisation_id is None
    ):
        return None
    if dated is None:
        dated = asset.kind_spec.uses_today(asset.current_version)
    now = time.time()
    valid_until = now + settings.DOWNLOAD_PASS_SECONDS
    if dated:
        valid_until = min(valid_until, next_midnight())
    if asset.kit.expires_at is not None:
        valid_until = min(valid_until, asset.kit.expires_at.timestamp())
    if valid_until <= now:
        return None
    issued = DownloadPass(
        user_id=user_id,
        session_hash=session_hash,
        organisation_id=rendition.organisation_id,
        asset_id=asset.pk,
        asset_version_id=rendition.asset_version_id,
        stored_name=rendition.file.name,
        filename=rendition.filename,
        content_type=rendition.content_type,
        valid_until=valid_until,
    )
    held = (generation, issued)
    key = _key(session.session_key, asset.pk, output_format)
    cache.set(key, held, max(1, int(valid_until - now)))
    return issued


def pass_forget(session, *, asset_id: int, output_format: str) -> None:
    if session.session_key:
        cache.delete(_key(session.session_key, asset_id, output_format))

"""A kit's life: draft, scheduled, live, expired; archived at any point.

A kit's status and dates change only through the services here (the admin's
form and actions call them). Two events come out of it (assets/events.py):

- "went live" is announced once per kit: the first time partners can see it,
  either at once (`kit_publish`) or when its publish date comes
  (`kits_lifecycle_tick`). Moving the date of a kit that has not gone live
  yet moves the announcement with it. A kit that was live once is not
  announced again when it is published again after being archived or
  re-scheduled: its partners were told already.
- "expired" is announced once per expiry, for a kit that went live and then
  passed its expiry date. Moving the expiry of an expired kit into the future
  (or removing it) puts the kit back on show and re-arms the event, so the
  next expiry is announced too.
- Archiving announces nothing: it withdraws the kit, it does not expire it.
- A kit whose whole window passed before the periodic task saw it (say the
  scheduler was down) is marked published but announced neither way:
  partners never saw it.

Each announcement is recorded on the kit (`went_live_at`, `expired_at`) by an
UPDATE that only matches while the field is empty and the kit is in the right
state, and the signal is sent after commit only when that UPDATE changed the
row. Two ticks, or a tick and an admin, racing on the same kit therefore
announce it once: on PostgreSQL the second UPDATE waits for the first and then
no longer matches; SQLite runs one writer at a time.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import formats, timezone

from assets.events import kit_expired, kit_went_live
from assets.models import Kit
from portal.core import cache_deps
from portal.core.errors import DomainError

log = logging.getLogger(__name__)


# --- How partners see a kit now ----------------------------------------------


@dataclass(frozen=True)
class KitStatusNow:
    """A kit's status as partners see it at one moment."""

    code: str  # draft, scheduled, live, expired, archived
    label: str


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def kit_status_now(kit: Kit, now: datetime | None = None) -> KitStatusNow:
    """Draft, "Scheduled for <date>", live, "Expired on <date>" or archived.
    A scheduled kit whose time has come is live, whatever the periodic task
    has done so far."""
    now = now or timezone.now()
    if kit.status == Kit.Status.ARCHIVED:
        return KitStatusNow("archived", "Archived")
    if kit.status == Kit.Status.DRAFT:
        return KitStatusNow("draft", "Draft")
    if kit.expires_at is not None and kit.expires_at <= now:
        return KitStatusNow("expired", f"Expired on {_when(kit.expires_at)}")
    if kit.publish_at is not None and kit.publish_at > now:
        return KitStatusNow("scheduled", f"Scheduled for {_when(kit.publish_at)}")
    return KitStatusNow("live", "Live")


STATUS_CODES = ("draft", "scheduled", "live", "expired", "archived")


def kit_status_now_q(code: str, now: datetime) -> Q:
    """The kits whose `kit_status_now(...).code` is `code`, as a filter."""
    live_status = Q(status__in=Kit.LIVE_STATUSES)
    expired = Q(expires_at__isnull=False, expires_at__lte=now)
    future = Q(publish_at__isnull=False, publish_at__gt=now)
    return {
        "draft": Q(status=Kit.Status.DRAFT),
        "archived": Q(status=Kit.Status.ARCHIVED),
        "expired": live_status & expired,
        "scheduled": live_status & ~expired & future,
        "live": Kit.live_q(now),
    }[code]


# --- Checks shared by the services and the admin form -------------------------


def check_schedule(kit: Kit, at: datetime | None, now: datetime) -> None:
    if at is None:
        raise DomainError("Choose when the kit is published.")
    if at <= now:
        raise DomainError(
            "The publish date is in the past: choose a later one, or publish the kit now."
        )
    if kit.expires_at is not None and kit.expires_at <= at:
        raise DomainError(
            f"The kit expires on {_when(kit.expires_at)}, before it would be published: "
            "it must expire after its publish date."
        )


def check_expiry(kit: Kit, at: datetime | None, now: datetime) -> None:
    """`at=None` means now."""
    if at is not None and at < now:
        raise DomainError(
            "The expiry date is in the past: choose a later one, or expire the kit now."
        )
    moment = at or now
    if kit.publish_at is not None and moment <= kit.publish_at:
        raise DomainError(
            f"The kit is published on {_when(kit.publish_at)}: it must expire after that."
        )
    if at is None and not kit.is_live(now):
        raise DomainError("Only a kit that partners can see now can expire now.")


def check_publish(kit: Kit, now: datetime) -> None:
    if kit.expires_at is not None and kit.expires_at <= now:
        raise DomainError(
            f"The kit expired on {_when(kit.expires_at)}: move or remove its expiry date "
            "before publishing it."
        )


# Leave this date as it is (`kit_dates_change`).
KEEP = object()


def check_dates(kit: Kit, now: datetime, *, publish_at=KEEP, expires_at=KEEP) -> None:
    """The checks of `kit_dates_change`, for a form to show before saving."""
    probe = Kit(
        status=kit.status,
        publish_at=kit.publish_at if publish_at is KEEP else publish_at,
        expires_at=kit.expires_at if expires_at is KEEP else expires_at,
    )
    if publish_at is not KEEP:
        if publish_at is None:
            raise DomainError(
                "A publish date can't be removed: archive the kit to take it off show, "
                "or publish it now."
            )
        check_schedule(probe, publish_at, now)
    if expires_at is not KEEP and expires_at is not None:
        check_expiry(probe, expires_at, now)


# --- The services -----------------------------------------------------------


def _locked(kit: Kit) -> Kit:
    return Kit.objects.select_for_update().get(pk=kit.pk)


def _copy_back(locked: Kit, kit: Kit) -> Kit:
    for name in ("status", "publish_at", "expires_at", "went_live_at", "expired_at", "updated_at"):
        setattr(kit, name, getattr(locked, name))
    return kit


def _by(by) -> str:
    return str(by.pk) if by is not None and getattr(by, "pk", None) else "-"


@transaction.atomic
def kit_publish(*, kit: Kit, by=None) -> Kit:
    """Publish now. A kit that partners can already see is left as it is."""
    now = timezone.now()
    locked = _locked(kit)
    if (
        locked.status == Kit.Status.PUBLISHED
        and locked.is_live(now)
        and locked.went_live_at is not None
    ):
        return _copy_back(locked, kit)
    check_publish(locked, now)
    locked.status = Kit.Status.PUBLISHED
    if locked.publish_at is None or locked.publish_at > now:
        locked.publish_at = now
    locked.save(update_fields=["status", "publish_at", "updated_at"])
    _announce_went_live(locked.pk, now)
    log.info("kit %s published by %s", locked.pk, _by(by))
    return _copy_back(Kit.objects.get(pk=locked.pk), kit)


@transaction.atomic
def kit_schedule(*, kit: Kit, at: datetime, by=None) -> Kit:
    """Publish at a future moment; the periodic task announces it then."""
    now = timezone.now()
    locked = _locked(kit)
    check_schedule(locked, at, now)
    locked.status, locked.publish_at = Kit.Status.SCHEDULED, at
    locked.save(update_fields=["status", "publish_at", "updated_at"])
    log.info("kit %s scheduled for %s by %s", locked.pk, at.isoformat(), _by(by))
    return _copy_back(locked, kit)


@transaction.atomic
def kit_expire(*, kit: Kit, at: datetime | None = None, by=None) -> Kit:
    """Take the kit off show now (`at=None`) or from a future moment."""
    now = timezone.now()
    locked = _locked(kit)
    check_expiry(locked, at, now)
    locked.expires_at = at or now
    fields = ["expires_at", "updated_at"]
    if locked.expires_at > now and locked.expired_at is not None:
        locked.expired_at = None  # on show again: the next expiry is announced anew
        fields.append("expired_at")
    locked.save(update_fields=fields)
    if locked.expires_at <= now:
        _announce_expired(locked.pk, now)
    log.info("kit %s expires at %s, by %s", locked.pk, locked.expires_at.isoformat(), _by(by))
    return _copy_back(Kit.objects.get(pk=locked.pk), kit)


@transaction.atomic
def kit_expiry_remove(*, kit: Kit, by=None) -> Kit:
    """The kit no longer expires (and is on show again if it had expired)."""
    locked = _locked(kit)
    if locked.expires_at is None:
        return _copy_back(locked, kit)
    locked.expires_at = locked.expired_at = None
    locked.save(update_fields=["expires_at", "expired_at", "updated_at"])
    log.info("kit %s no longer expires, by %s", locked.pk, _by(by))
    return _copy_back(locked, kit)


@transaction.atomic
def kit_dates_change(*, kit: Kit, publish_at=KEEP, expires_at=KEEP, by=None) -> Kit:
    """Change both dates at once, as the admin's form does: a new publish date
    (always in the future) schedules the kit; a new expiry date (in the
    future) sets when it goes off show, and None removes it."""
    now = timezone.now()
    locked = _locked(kit)
    check_dates(locked, now, publish_at=publish_at, expires_at=expires_at)
    fields = ["updated_at"]
    if publish_at is not KEEP:
        locked.status, locked.publish_at = Kit.Status.SCHEDULED, publish_at
        fields += ["status", "publish_at"]
    if expires_at is not KEEP:
        locked.expires_at = expires_at
        fields.append("expires_at")
        if locked.expired_at is not None:
            locked.expired_at = None  # on show again: the next expiry is announced anew
            fields.append("expired_at")
    locked.save(update_fields=fields)
    log.info("kit %s dates changed by %s", locked.pk, _by(by))
    return _copy_back(locked, kit)


@transaction.atomic
def kit_archive(*, kit: Kit, by=None) -> Kit:
    """Withdraw the kit from partners, whatever its dates."""
    locked = _locked(kit)
    if locked.status != Kit.Status.ARCHIVED:
        locked.status = Kit.Status.ARCHIVED
        locked.save(update_fields=["status", "updated_at"])
        log.info("kit %s archived by %s", locked.pk, _by(by))
    return _copy_back(locked, kit)


# --- Events -------------------------------------------------------------------


def _send(signal: Signal, kit_pk: int) -> None:
    kit = Kit.objects.filter(pk=kit_pk).first()
    if kit is None:
        return
    for receiver, response in signal.send_robust(sender=Kit, kit=kit):
        if isinstance(response, Exception):
            log.error("kit %s: receiver %r failed", kit_pk, receiver, exc_info=response)


def _announce_went_live(kit_pk: int, now: datetime) -> bool:
    """Record that the kit went live, and say so after commit, unless it was
    recorded already."""
    changed = (
        Kit.objects.filter(pk=kit_pk, went_live_at__isnull=True)
        .filter(Kit.live_q(now))
        .update(went_live_at=now)
    )
    if changed:
        transaction.on_commit(partial(_send, kit_went_live, kit_pk))
    return bool(changed)


def _announce_expired(kit_pk: int, now: datetime) -> bool:
    changed = Kit.objects.filter(
        pk=kit_pk,
        status__in=Kit.LIVE_STATUSES,
        went_live_at__isnull=False,
        expired_at__isnull=True,
        expires_at__lte=now,
    ).update(expired_at=now)
    if changed:
        transaction.on_commit(partial(_send, kit_expired, kit_pk))
    return bool(changed)


@dataclass
class TickResult:
    published: int = 0
    went_live: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


def kits_lifecycle_tick(*, now: datetime | None = None) -> TickResult:
    """Turn scheduled kits whose time has come into published ones and
    announce them, and announce kits that passed their expiry date. Safe to
    run as often as wanted, and twice at once."""
    now = now or timezone.now()
    result = TickResult()
    result.published = Kit.objects.filter(status=Kit.Status.SCHEDULED, publish_at__lte=now).update(
        status=Kit.Status.PUBLISHED, updated_at=now
    )
    if result.published:
        # A bulk UPDATE sends no signals: retire what was cached about kits.
        cache_deps.retire("assets.Kit")
    due = Kit.objects.filter(Kit.live_q(now), went_live_at__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if _announce_went_live(pk, now):
                result.went_live.append(pk)
    ending = Kit.objects.filter(
        status__in=Kit.LIVE_STATUSES,
        went_live_at__isnull=False,
        expired_at__isnull=True,
        expires_at__lte=now,
    )
    for pk in ending.values_list("pk", flat=True):
        with transaction.atomic():
            if _announce_expired(pk, now):
                result.expired.append(pk)
    if result.published or result.went_live or result.expired:
        log.info(
            "kits tick: %d published, went live %s, expired %s",
            result.published,
            result.went_live,
            result.expired,
        )
    return result

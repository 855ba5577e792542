"""A kit's lifecycle: the services, the periodic tick and its events."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assets import lifecycle
from assets.events import kit_expired, kit_went_live
from assets.models import Kit
from assets.selectors import kits_visible_to
from assets.tasks import kits_lifecycle_tick as tick_task
from portal.core.errors import DomainError
from tests.factories import KitFactory, PartnerFactory

pytestmark = pytest.mark.django_db


class Heard:
    """What the subscribers to the two events received."""

    def __init__(self):
        self.went_live, self.expired = [], []
        kit_went_live.connect(self._live, sender=Kit)
        kit_expired.connect(self._expired, sender=Kit)

    def _live(self, sender, kit, **kwargs):
        assert isinstance(kit, Kit)
        self.went_live.append(kit.pk)

    def _expired(self, sender, kit, **kwargs):
        self.expired.append(kit.pk)

    def close(self):
        kit_went_live.disconnect(self._live, sender=Kit)
        kit_expired.disconnect(self._expired, sender=Kit)


@pytest.fixture
def heard():
    listener = Heard()
    yield listener
    listener.close()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call something and run what it queued for after the commit."""

    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call


def draft(**fields):
    return KitFactory(status=Kit.Status.DRAFT, publish_at=None, **fields)


def test_publish_now_announces_the_kit_once_after_commit(heard, django_capture_on_commit_callbacks):
    kit = draft()
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.kit_publish(kit=kit)
        assert heard.went_live == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert heard.went_live == [kit.pk]
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED and kit.went_live_at is not None
    assert kit.publish_at <= timezone.now()
    assert kit in kits_visible_to(PartnerFactory())


def test_publishing_twice_announces_once(heard, run):
    kit = draft()
    run(lifecycle.kit_publish, kit=kit)
    run(lifecycle.kit_publish, kit=kit)
    run(lifecycle.kits_lifecycle_tick)
    assert heard.went_live == [kit.pk]


def test_a_scheduled_kit_goes_live_when_its_time_comes(heard, run):
    kit = draft()
    at = timezone.now() + timedelta(hours=1)
    run(lifecycle.kit_schedule, kit=kit, at=at)
    assert kit.status == Kit.Status.SCHEDULED and kit.publish_at == at
    assert heard.went_live == []

    result = run(lifecycle.kits_lifecycle_tick, now=at - timedelta(seconds=1))
    assert result.went_live == [] and heard.went_live == []

    result = run(lifecycle.kits_lifecycle_tick, now=at)
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED and kit.went_live_at == at
    assert result.went_live == [kit.pk] and heard.went_live == [kit.pk]


def test_the_tick_run_twice_announces_each_kit_once(heard, run):
    now = timezone.now()
    due = KitFactory(status=Kit.Status.SCHEDULED, publish_at=now - timedelta(minutes=1))
    ending = KitFactory(went_live_at=now - timedelta(days=1), expires_at=now - timedelta(seconds=5))
    first = run(lifecycle.kits_lifecycle_tick, now=now)
    second = run(lifecycle.kits_lifecycle_tick, now=now)
    third = run(lifecycle.kits_lifecycle_tick, now=now + timedelta(minutes=1))
    assert first.went_live == [due.pk] and first.expired == [ending.pk]
    assert second.went_live == second.expired == third.went_live == third.expired == []
    assert heard.went_live == [due.pk] and heard.expired == [ending.pk]


def test_a_kit_that_went_live_and_expired_between_two_ticks_announces_both_once(heard, run):
    now = timezone.now()
    kit = draft()
    run(lifecycle.kit_schedule, kit=kit, at=now + timedelta(minutes=1))
    run(lifecycle.kit_expire, kit=kit, at=now + timedelta(minutes=30))
    run(lifecycle.kits_lifecycle_tick, now=now + timedelta(minutes=2))
    run(lifecycle.kits_lifecycle_tick, now=now + timedelta(minutes=31))
    run(lifecycle.kits_lifecycle_tick, now=now + timedelta(minutes=32))
    assert heard.went_live == [kit.pk] and heard.expired == [kit.pk]


def test_a_window_missed_entirely_is_published_but_never_announced(heard, run):
    now = timezone.now()
    kit = KitFactory(
        status=Kit.Status.SCHEDULED,
        publish_at=now - timedelta(hours=2),
        expires_at=now - timedelta(hours=1),
    )
    run(lifecycle.kits_lifecycle_tick, now=now)
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED
    assert heard.went_live == heard.expired == []


def test_expire_now_announces_at_once_and_hides_the_kit(heard, run):
    kit = draft()
    run(lifecycle.kit_publish, kit=kit)
    run(lifecycle.kit_expire, kit=kit)
    run(lifecycle.kits_lifecycle_tick, now=timezone.now() + timedelta(minutes=1))
    assert heard.expired == [kit.pk]
    assert not kits_visible_to(PartnerFactory()).filter(pk=kit.pk).exists()
    assert lifecycle.kit_status_now(kit).code == "expired"


def test_moving_an_expiry_into_the_future_rearms_the_expired_event(heard, run):
    kit = draft()
    run(lifecycle.kit_publish, kit=kit)
    run(lifecycle.kit_expire, kit=kit)
    later = timezone.now() + timedelta(hours=1)
    run(lifecycle.kit_expire, kit=kit, at=later)
    assert kit.expired_at is None and lifecycle.kit_status_now(kit).code == "live"
    run(lifecycle.kits_lifecycle_tick, now=later)
    run(lifecycle.kits_lifecycle_tick, now=later)
    assert heard.expired == [kit.pk, kit.pk]
    assert heard.went_live == [kit.pk]  # it was on show before: not announced again


def test_republishing_an_archived_kit_does_not_announce_it_again(heard, run):
    kit = draft()
    run(lifecycle.kit_publish, kit=kit)
    run(lifecycle.kit_archive, kit=kit)
    assert lifecycle.kit_status_now(kit).code == "archived"
    assert not kits_visible_to(PartnerFactory()).filter(pk=kit.pk).exists()
    run(lifecycle.kit_publish, kit=kit)
    assert kit.status == Kit.Status.PUBLISHED
    assert heard.went_live == [kit.pk] and heard.expired == []


def test_rescheduling_before_going_live_moves_the_announcement(heard, run):
    now = timezone.now()
    kit = draft()
    run(lifecycle.kit_schedule, kit=kit, at=now + timedelta(hours=1))
    run(lifecycle.kit_schedule, kit=kit, at=now + timedelta(hours=3))
    run(lifecycle.kits_lifecycle_tick, now=now + timedelta(hours=2))
    assert heard.went_live == []
    run(lifecycle.kits_lifecycle_tick, now=now + timedelta(hours=3))
    assert heard.went_live == [kit.pk]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda kit, now: lifecycle.kit_schedule(kit=kit, at=now - timedelta(hours=1)),
            "The publish date is in the past",
        ),
        (
            lambda kit, now: lifecycle.kit_schedule(kit=kit, at=now + timedelta(days=3)),
            "before it would be published",
        ),
        (
            lambda kit, now: lifecycle.kit_expire(kit=kit, at=now - timedelta(hours=1)),
            "The expiry date is in the past",
        ),
        (lambda kit, now: lifecycle.kit_expire(kit=kit), "Only a kit that partners can see"),
    ],
)
def test_bad_dates_are_refused_and_change_nothing(heard, run, call, message):
    now = timezone.now()
    kit = draft(expires_at=now + timedelta(days=2))
    with pytest.raises(DomainError, match=message):
        run(call, kit=kit, now=now)
    kit.refresh_from_db()
    assert kit.status == Kit.Status.DRAFT and kit.publish_at is None
    assert kit.expires_at > now


def test_a_kit_cannot_expire_before_it_is_published(run):
    now = timezone.now()
    kit = draft()
    run(lifecycle.kit_schedule, kit=kit, at=now + timedelta(days=2))
    with pytest.raises(DomainError, match="it must expire after that"):
        lifecycle.kit_expire(kit=kit, at=now + timedelta(days=1))
    with pytest.raises(DomainError, match="it must expire after that"):
        lifecycle.kit_expire(kit=kit)
    kit.refresh_from_db()
    assert kit.expires_at is None


def test_an_expired_kit_must_get_new_dates_before_publishing(heard):
    kit = draft(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="move or remove its expiry date"):
        lifecycle.kit_publish(kit=kit)
    lifecycle.kit_expiry_remove(kit=kit)
    lifecycle.kit_publish(kit=kit)
    assert kit.status == Kit.Status.PUBLISHED and kit.expires_at is None


def test_status_as_partners_see_it():
    now = timezone.now()
    cases = {
        "draft": draft(),
        "scheduled": KitFactory(status="scheduled", publish_at=now + timedelta(days=1)),
        "live": KitFactory(status="scheduled", publish_at=now - timedelta(minutes=1)),
        "expired": KitFactory(expires_at=now - timedelta(minutes=1)),
        "archived": KitFactory(status="archived"),
    }
    for code, kit in cases.items():
        status = lifecycle.kit_status_now(kit, now)
        assert status.code == code
        assert list(Kit.objects.filter(lifecycle.kit_status_now_q(code, now))) == [kit]
    assert lifecycle.kit_status_now(cases["scheduled"], now).label.startswith("Scheduled for ")
    assert lifecycle.kit_status_now(cases["live"], now).label == "Live"
    # A day later the scheduled kit is live, whatever the tick has done.
    assert lifecycle.kit_status_now(cases["scheduled"], now + timedelta(days=2)).code == "live"


def test_the_management_command_runs_the_tick(heard, django_capture_on_commit_callbacks, capsys):
    due = KitFactory(status=Kit.Status.SCHEDULED, publish_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("kits_tick")
        call_command("kits_tick")
    out = capsys.readouterr().out
    assert "1 kit(s) published, 1 went live, 0 expired." in out
    assert "0 kit(s) published, 0 went live, 0 expired." in out
    assert heard.went_live == [due.pk]


def test_the_periodic_task_runs_the_tick(heard, run, settings):
    assert settings.CELERY_BEAT_SCHEDULE["kits-lifecycle-tick"]["task"] == tick_task.name
    due = KitFactory(status=Kit.Status.SCHEDULED, publish_at=timezone.now() - timedelta(seconds=1))
    result = run(lambda: tick_task.delay().get())
    assert result["went_live"] == [due.pk]
    run(lambda: tick_task.delay().get())
    assert heard.went_live == [due.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_two_ticks_racing_announce_each_kit_once(heard):
    now = timezone.now()
    kits = [
        KitFactory(status=Kit.Status.SCHEDULED, publish_at=now - timedelta(seconds=1))
        for _ in range(20)
    ]
    start = threading.Barrier(2)
    results, errors = [], []

    def tick():
        try:
            start.wait()
            results.append(lifecycle.kits_lifecycle_tick(now=now))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    announced = results[0].went_live + results[1].went_live
    assert sorted(announced) == sorted(k.pk for k in kits)
    assert sorted(heard.went_live) == sorted(k.pk for k in kits)

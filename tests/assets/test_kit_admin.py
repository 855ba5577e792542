"""Marketing admins move kits through their lifecycle in the admin; the
status is never a free field."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from assets.events import kit_went_live
from assets.models import Kit
from assets.roles import MARKETING_ADMINS
from tests.factories import KitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    return client


@pytest.fixture
def went_live():
    heard = []

    def receiver(sender, kit, **kwargs):
        heard.append(kit.pk)

    kit_went_live.connect(receiver, sender=Kit)
    yield heard
    kit_went_live.disconnect(receiver, sender=Kit)


def _split(moment):
    if moment is None:
        return {"_0": "", "_1": ""}
    local = timezone.localtime(moment)
    return {"_0": local.strftime("%Y-%m-%d"), "_1": local.strftime("%H:%M:%S")}


def _form(kit=None, *, publish_at=None, expires_at=None, **extra):
    data = {
        "title": kit.title if kit else "Spring launch",
        "summary": "",
        "assets-TOTAL_FORMS": 0,
        "assets-INITIAL_FORMS": 0,
    }
    for name, moment in (("publish_at", publish_at), ("expires_at", expires_at)):
        data.update({name + key: value for key, value in _split(moment).items()})
    data.update(extra)
    return data


def _change(kit):
    return reverse("admin:assets_kit_change", args=[kit.pk])


def _form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_status_is_not_a_form_field(staff_client):
    response = staff_client.post(
        reverse("admin:assets_kit_add"), _form(status="published", _save="Save")
    )
    assert response.status_code == 302
    kit = Kit.objects.get()
    assert kit.status == Kit.Status.DRAFT and kit.publish_at is None
    page = staff_client.get(_change(kit)).content.decode()
    assert 'name="status"' not in page
    assert "Now: Draft" in page


def test_a_future_publish_date_schedules_the_kit(staff_client, went_live):
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = staff_client.post(
        reverse("admin:assets_kit_add"), _form(publish_at=at, _save="Save")
    )
    assert response.status_code == 302
    kit = Kit.objects.get()
    assert (kit.status, kit.publish_at) == (Kit.Status.SCHEDULED, at)
    assert went_live == []
    listing = staff_client.get(reverse("admin:assets_kit_changelist")).content.decode()
    assert "Scheduled for" in listing


def test_a_kit_unchanged_in_the_form_keeps_its_dates(staff_client):
    kit = KitFactory(expires_at=timezone.now() + timedelta(days=30))
    before = (kit.status, kit.publish_at, kit.expires_at)
    response = staff_client.post(
        _change(kit),
        _form(kit, publish_at=kit.publish_at, expires_at=kit.expires_at, title="Renamed"),
    )
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.title == "Renamed" and (kit.status, kit.publish_at, kit.expires_at) == before


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"publish_at": -1}, "The publish date is in the past"),
        ({"expires_at": -1}, "The expiry date is in the past"),
        ({"publish_at": 3, "expires_at": 2}, "it must expire after its publish date"),
    ],
)
def test_bad_dates_are_form_errors_and_change_nothing(staff_client, dates, message):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    now = timezone.now().replace(microsecond=0)
    moments = {name: now + timedelta(days=days) for name, days in dates.items()}
    response = staff_client.post(_change(kit), _form(kit, **moments))
    assert response.status_code == 200
    assert message in _form_errors(response)
    kit.refresh_from_db()
    assert kit.status == Kit.Status.DRAFT and kit.publish_at is None and kit.expires_at is None


def test_the_publish_button_publishes_and_announces_once(
    staff_client, went_live, django_capture_on_commit_callbacks
):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_change(kit), _form(kit, _kit_publish="1"))
        staff_client.post(_change(kit), _form(kit, _kit_publish="1"))
    assert response.status_code == 302 and response["Location"] == _change(kit)
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED and went_live == [kit.pk]
    assert "Now: Live" in staff_client.get(_change(kit)).content.decode()


def test_expire_now_on_a_draft_is_refused(staff_client):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    response = staff_client.post(_change(kit), _form(kit, _kit_expire="1"))
    assert response.status_code == 200
    assert "Only a kit that partners can see now can expire now" in response.content.decode()
    kit.refresh_from_db()
    assert kit.expires_at is None


def test_the_list_shows_the_status_partners_see(staff_client):
    now = timezone.now()
    KitFactory(title="Due", status=Kit.Status.SCHEDULED, publish_at=now - timedelta(minutes=1))
    KitFactory(title="Later", status=Kit.Status.SCHEDULED, publish_at=now + timedelta(days=1))
    url = reverse("admin:assets_kit_changelist")
    live = staff_client.get(url, {"status_now": "live"}).content.decode()
    scheduled = staff_client.get(url, {"status_now": "scheduled"}).content.decode()
    assert ">Due<" in live and ">Later<" not in live and ">Live<" in live
    assert ">Later<" in scheduled and ">Due<" not in scheduled and "Scheduled for" in scheduled


def test_list_actions_call_the_lifecycle(
    staff_client, went_live, django_capture_on_commit_callbacks
):
    draft = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    live = KitFactory()
    url = reverse("admin:assets_kit_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "publish_now", "_selected_action": [draft.pk]})
    response = staff_client.post(
        url, {"action": "expire_now", "_selected_action": [draft.pk, live.pk]}, follow=True
    )
    assert "2 kit(s) expired." in response.content.decode()
    other = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    response = staff_client.post(
        url, {"action": "expire_now", "_selected_action": [other.pk]}, follow=True
    )
    assert "can expire now" in response.content.decode()
    staff_client.post(url, {"action": "archive", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Kit.Status.ARCHIVED and went_live == [draft.pk]

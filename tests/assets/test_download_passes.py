"""Repeat downloads come from a download pass: no checks redone, yet never
past a change that would have changed the answer."""

import datetime
import io
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assets import download_passes
from assets.models import DownloadEvent, Rendition
from assets.roles import MARKETING_ADMINS
from portal.partners.models import Membership, PartnerOrganisation
from tests.factories import BRAND_PROFILE_FORM, DOCUMENT_TEMPLATE, UserFactory, make_document

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client, asset, output_format="pdf"):
    response = client.get(reverse("assets:asset_render", args=[asset.pk, output_format]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def asset(partner):
    return make_document()


@pytest.fixture
def ben(partner_user) -> Client:
    return signed_in(partner_user)


@pytest.fixture
def anna(partner_admin) -> Client:
    return signed_in(partner_admin)


@pytest.fixture
def marketing(db) -> Client:
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    return signed_in(staff)


def test_a_repeat_download_runs_one_insert_and_records_the_event(ben, asset, partner, partner_user):
    first, body = download(ben, asset)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again, same = download(ben, asset)
    assert again.status_code == 200 and same == body
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == "application/pdf"
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    event = DownloadEvent.objects.order_by("-pk").first()
    assert (event.user, event.organisation_id, event.asset_id, event.asset_version_id) == (
        partner_user,
        partner.pk,
        asset.pk,
        asset.current_version_id,
    )
    assert event.file_name == Rendition.objects.get().filename
    assert DownloadEvent.objects.count() == 2


def test_each_user_is_recorded_as_themselves(ben, anna, asset, partner_user, partner_admin):
    for _ in range(2):
        download(ben, asset)
        download(anna, asset)
    users = list(DownloadEvent.objects.order_by("pk").values_list("user_id", flat=True))
    assert users == [partner_user.pk, partner_admin.pk] * 2


def test_a_profile_change_shows_in_the_next_download(ben, anna, asset):
    _, before = download(ben, asset)
    assert "+44 20 7946 0000" in pdf_text(before)
    response = anna.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "phone": "+44 11 1111"}
    )
    assert response.status_code == 302
    _, after = download(ben, asset)
    assert "+44 11 1111" in pdf_text(after) and "7946" not in pdf_text(after)


def test_new_field_values_show_in_the_next_download(ben, anna, asset):
    _, before = download(ben, asset)
    assert "Spring offer" in pdf_text(before)
    anna.post(reverse("assets:asset_fields", args=[asset.pk]), {"headline": "Summer offer"})
    _, after = download(ben, asset)
    assert "Summer offer" in pdf_text(after)


def test_a_removed_colleague_gets_nothing_more(ben, anna, asset, partner_user):
    download(ben, asset)
    membership = Membership.objects.get(user=partner_user)
    anna.post(reverse("partners:member_remove", args=[membership.pk]))
    response, _ = download(ben, asset)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert DownloadEvent.objects.count() == 1


def test_a_suspended_partner_gets_nothing_more(ben, marketing, asset, partner):
    download(ben, asset)
    marketing.post(
        reverse("admin:partners_partnerorganisation_changelist"),
        {"action": "suspend", "_selected_action": [partner.pk]},
    )
    assert PartnerOrganisation.objects.get(pk=partner.pk).status == "suspended"
    response, _ = download(ben, asset)
    assert response.status_code == 403 and DownloadEvent.objects.count() == 1


def test_a_kit_aimed_elsewhere_is_404_at_once(ben, asset, other_partner):
    download(ben, asset)
    asset.kit.audience_partners.add(other_partner)
    response, _ = download(ben, asset)
    assert response.status_code == 404 and DownloadEvent.objects.count() == 1


def test_a_pass_ends_when_the_kit_expires(ben, asset):
    download(ben, asset)  # the rendition exists; the rest is cheap
    kit = asset.kit
    kit.expires_at = timezone.now() + timezone.timedelta(seconds=1)
    kit.save()
    assert download(ben, asset)[0].status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert download(ben, asset)[0].status_code == 200
    assert len(queries) == 1  # served from the pass
    time.sleep(max(0.0, kit.expires_at.timestamp() - time.time()) + 0.05)
    response, _ = download(ben, asset)
    assert response.status_code == 404 and DownloadEvent.objects.count() == 3


def test_a_signed_out_session_cannot_use_its_pass(ben, asset):
    download(ben, asset)
    old_cookie = ben.cookies["sessionid"].value
    ben.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    response, _ = download(replay, asset)
    assert response.status_code == 302 and DownloadEvent.objects.count() == 1


def test_a_new_password_ends_other_sessions_passes(ben, asset, partner_user):
    download(ben, asset)
    partner_user.set_password("a whole new secret 42")
    partner_user.save()
    response, _ = download(ben, asset)
    assert response.status_code == 302 and DownloadEvent.objects.count() == 1


def test_signing_in_elsewhere_keeps_the_pass(ben, asset, partner_user):
    download(ben, asset)
    signed_in(partner_user)  # writes last_login only
    with CaptureQueriesContext(connection) as queries:
        assert download(ben, asset)[0].status_code == 200
    assert len(queries) == 1


def test_a_lost_file_is_rendered_again_not_404(ben, asset, caplog):
    _, body = download(ben, asset)
    rendition = Rendition.objects.get()
    rendition.file.storage.delete(rendition.file.name)
    response, again = download(ben, asset)
    assert response.status_code == 200 and again.startswith(b"%PDF")
    assert "Spring offer" in pdf_text(again)
    assert "stored file missing" in caplog.text
    assert rendition.file.storage.exists(Rendition.objects.get().file.name)


def test_a_pruned_rendition_is_not_served_from_a_pass(ben, asset):
    download(ben, asset)
    call_command("prune_renditions", "--days", "0", stdout=io.StringIO())
    assert not Rendition.objects.exists()
    response, body = download(ben, asset)
    assert response.status_code == 200 and body.startswith(b"%PDF")
    assert Rendition.objects.count() == 1


def test_sessions_kept_in_the_database_only_work_the_same(settings, partner_user, asset):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    ben = signed_in(partner_user)
    download(ben, asset)
    with CaptureQueriesContext(connection) as queries:
        assert download(ben, asset)[0].status_code == 200
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "INSERT"]  # session, event
    old_cookie = ben.cookies["sessionid"].value
    ben.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert download(replay, asset)[0].status_code == 302
    assert DownloadEvent.objects.count() == 2


def test_a_pass_issued_across_a_change_is_never_used(ben, asset, partner_user):
    """The checked path reads the generation before its checks: a change
    committed while they run leaves the pass it issues unusable."""
    download(ben, asset)
    session = ben.session
    rendition = Rendition.objects.get()
    read_before_checks = download_passes.GENERATION.current()
    download_passes.GENERATION.bump()  # a change commits meanwhile
    download_passes.pass_issue(
        session,
        generation=read_before_checks,
        user_id=partner_user.pk,
        asset=asset,
        output_format="pdf",
        rendition=rendition,
    )
    assert download_passes.pass_find(session, asset_id=asset.pk, output_format="pdf") is None
    download_passes.pass_issue(
        session,
        generation=download_passes.GENERATION.current(),
        user_id=partner_user.pk,
        asset=asset,
        output_format="pdf",
        rendition=rendition,
    )
    assert download_passes.pass_find(session, asset_id=asset.pk, output_format="pdf") is not None


def test_a_pass_ends_at_midnight_when_the_date_on_the_file_changes(ben, partner, settings):
    settings.DOWNLOAD_PASS_SECONDS = 3 * 24 * 3600
    dated = make_document(
        template=DOCUMENT_TEMPLATE.replace("</body>", "<p>{{ today }}</p></body>")
    )
    download(ben, dated)
    found = download_passes.pass_find(ben.session, asset_id=dated.pk, output_format="pdf")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert found.valid_until == datetime.datetime.combine(tomorrow, datetime.time.min).timestamp()


def test_a_pass_outlives_midnight_when_the_file_shows_no_date(ben, asset, settings):
    settings.DOWNLOAD_PASS_SECONDS = 3 * 24 * 3600
    before = time.time()
    download(ben, asset)
    found = download_passes.pass_find(ben.session, asset_id=asset.pk, output_format="pdf")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(tomorrow, datetime.time.min).timestamp()
    assert found.valid_until > midnight
    assert found.valid_until >= before + settings.DOWNLOAD_PASS_SECONDS


def test_the_pass_is_the_decision_remembered_not_a_second_one(ben, asset, partner):
    """A write that sends no signals changes what the decision reads: retiring
    the caches is enough for the next download to be decided again, and to
    answer as every other partner page does for a suspended organisation."""
    from portal.core import cache_deps

    download(ben, asset)
    assert download_passes.pass_find(ben.session, asset_id=asset.pk, output_format="pdf")
    PartnerOrganisation.objects.filter(pk=partner.pk).update(status="suspended")
    cache_deps.retire("partners.PartnerOrganisation")
    response, _ = download(ben, asset)
    assert response.status_code == 403
    assert response.templates[0].name == "partners/suspended.html"
    assert ben.get(reverse("assets:library")).templates[0].name == "partners/suspended.html"
    assert DownloadEvent.objects.count() == 1


def test_only_the_decision_issues_passes(client, asset):
    """Someone the decision refuses leaves with no pass to come back with."""
    outsider = UserFactory()  # signed in, no membership
    client.force_login(outsider)
    response, _ = download(client, asset)
    assert response.status_code == 403
    assert download_passes.pass_find(client.session, asset_id=asset.pk, output_format="pdf") is None
    response, _ = download(client, asset)
    assert response.status_code == 403 and not DownloadEvent.objects.exists()


def test_a_plain_file_and_a_kit_zip_take_the_same_decision(ben, asset, partner):
    from tests.factories import make_file_asset

    plain = make_file_asset(asset.kit, title="Data sheet", content=b"%PDF-1.4 plain")
    assert ben.get(reverse("assets:asset_download", args=[plain.pk])).status_code == 200
    assert ben.get(reverse("assets:kit_download", args=[asset.kit.pk])).status_code == 200
    recorded = DownloadEvent.objects.count()
    partner.status = partner.Status.SUSPENDED
    partner.save()
    for url in (
        reverse("assets:asset_download", args=[plain.pk]),
        reverse("assets:kit_download", args=[asset.kit.pk]),
        reverse("assets:asset_render", args=[asset.pk, "pdf"]),
    ):
        response = ben.get(url)
        assert response.status_code == 403, url
        assert response.templates[0].name == "partners/suspended.html"
    assert DownloadEvent.objects.count() == recorded
    anonymous = Client()
    for url in (
        reverse("assets:asset_download", args=[plain.pk]),
        reverse("assets:kit_download", args=[asset.kit.pk]),
    ):
        assert anonymous.get(url)["Location"].startswith(reverse("accounts:login"))

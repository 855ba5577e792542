"""Kits in the workspace: the list, creating and editing a kit, its
audience's reach, its page and lifecycle buttons, and copies."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assets.models import Kit, Tag
from assets.selectors import partners_in_audience
from portal.workspace import selectors
from tests.factories import (
    AssetFactory,
    KitFactory,
    PartnerFactory,
    RegionFactory,
    TagFactory,
    TierFactory,
    make_document,
    make_guideline,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    """A moment as the browser's date-time picker sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def jpeg_upload(name="cover.jpg", size=(320, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def tiers():
    return {
        name: TierFactory(name=name, rank=rank)
        for name, rank in (("Registered", 1), ("Silver", 2), ("Gold", 3), ("Platinum", 4))
    }


@pytest.fixture
def regions():
    return {name: RegionFactory(name=name) for name in ("EMEA", "APAC")}


@pytest.fixture
def partners(tiers, regions):
    """One reseller per tier in EMEA, an agency per tier in APAC, and a
    suspended Platinum reseller."""
    made = {}
    for name, tier in tiers.items():
        made[f"{name} reseller"] = PartnerFactory(
            name=f"{name} reseller", tier=tier, region=regions["EMEA"], partner_type="reseller"
        )
        made[f"{name} agency"] = PartnerFactory(
            name=f"{name} agency", tier=tier, region=regions["APAC"], partner_type="agency"
        )
    made["suspended"] = PartnerFactory(
        name="Suspended", tier=tiers["Platinum"], region=regions["EMEA"], status="suspended"
    )
    return made


def kit_form(**values) -> dict:
    data = {"title": "Autumn push", "summary": "Fresh material.", "new_tags": ""}
    data.update(values)
    return data


# --- The list -------------------------------------------------------------------


def make_kits(n, tiers, regions, partners):
    """`n` kits with every kind of audience, a tag, and assets with thumbnails."""
    kinds = [
        {},
        {"tiers": [tiers["Gold"]]},
        {"min_tier": tiers["Silver"], "regions": [regions["APAC"]]},
        {"types": ["agency"], "named": [partners["Registered reseller"]]},
        {"named": [partners["Gold reseller"], partners["suspended"]]},
        {"tiers": [tiers["Registered"]], "min_tier": tiers["Platinum"]},
    ]
    tag = TagFactory(name="Spring", slug="spring")
    kits = []
    for i in range(n):
        audience = kinds[i % len(kinds)]
        kit = KitFactory(
            title=f"Kit {i}",
            audience_min_tier=audience.get("min_tier"),
            audience_types=audience.get("types", []),
        )
        kit.audience_tiers.set(audience.get("tiers", []))
        kit.audience_regions.set(audience.get("regions", []))
        kit.audience_partners.set(audience.get("named", []))
        kit.tags.add(tag)
        for position in range(2):
            asset = AssetFactory(kit=kit, position=position)
            asset.thumbnail.save("t.png", ContentFile(png_bytes(30, 30)), save=True)
        kits.append(kit)
    return kits


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("workspace:kit_list")).status_code == 200
    return len(captured)


def test_the_list_runs_as_many_queries_for_30_kits_as_for_3(
    ws_client, tiers, regions, partners, django_assert_max_num_queries
):
    make_kits(3, tiers, regions, partners)
    few = list_queries(ws_client)
    make_kits(27, tiers, regions, partners)
    assert list_queries(ws_client) == few
    with django_assert_max_num_queries(few):
        ws_client.get(reverse("workspace:kit_list"))


def test_the_lists_reach_agrees_with_partners_in_audience_for_every_kit(tiers, regions, partners):
    make_kits(12, tiers, regions, partners)
    KitFactory(title="Draft, Gold and up", status=Kit.Status.DRAFT, audience_min_tier=tiers["Gold"])
    rows = selectors.kit_rows()
    assert len(rows) == 13
    for row in rows:
        expected = partners_in_audience(row.kit, ignore_schedule=True).count()
        assert row.reach == expected, row.kit.title


def test_the_list_shows_status_now_dates_audience_reach_and_thumbnails(
    ws_client, tiers, regions, partners
):
    now = timezone.now()
    live = KitFactory(title="Gold and above in APAC", audience_min_tier=tiers["Gold"])
    live.audience_regions.add(regions["APAC"])
    live.audience_partners.add(partners["Registered reseller"])
    asset = AssetFactory(kit=live, title="Flyer")
    asset.thumbnail.save("flyer.png", ContentFile(png_bytes(30, 30)), save=True)
    # Scheduled, but its time came: partners see it, so it is live.
    KitFactory(title="Due", status=Kit.Status.SCHEDULED, publish_at=now - timedelta(minutes=5))
    KitFactory(title="Later", status=Kit.Status.SCHEDULED, publish_at=now + timedelta(days=2))
    html = ws_client.get(reverse("workspace:kit_list")).content.decode()
    assert "Tiers: Gold and above" in html and "Regions: APAC" in html
    assert "Also named: Registered reseller" in html
    # Gold and Platinum agencies are in APAC, plus the named reseller.
    assert "Reaches 3 partners" in html
    assert reverse("workspace:asset_thumbnail", args=[asset.pk]) in html
    assert settings.MEDIA_URL not in html
    assert html.count("ws-status-live") == 2 and "Scheduled for" in html
    assert reverse("workspace:kit_create") in html
    thumb = ws_client.get(reverse("workspace:asset_thumbnail", args=[asset.pk]))
    assert thumb.status_code == 200 and b"".join(thumb.streaming_content).startswith(b"\x89PNG")


# --- Creating and editing -------------------------------------------------------


def test_a_kit_is_created_with_cover_tags_schedule_and_audience(
    ws_client, tiers, regions, partners
):
    TagFactory(name="Spring", slug="spring")
    publish = timezone.now() + timedelta(days=3)
    response = ws_client.post(
        reverse("workspace:kit_create"),
        kit_form(
            tags=[Tag.objects.get(slug="spring").pk],
            new_tags="Security, spring , Webinars",
            publish_at=local(publish),
            expires_at=local(publish + timedelta(days=30)),
            audience_min_tier=tiers["Gold"].pk,
            audience_types=["reseller"],
            audience_regions=[regions["EMEA"].pk],
            audience_partners=[partners["Silver agency"].pk],
            cover_upload=jpeg_upload(),
        ),
    )
    kit = Kit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:kit_detail", args=[kit.pk])
    assert kit.title == "Autumn push" and kit.status == Kit.Status.SCHEDULED
    assert local(kit.publish_at) == local(publish)
    assert sorted(kit.tags.values_list("slug", flat=True)) == ["security", "spring", "webinars"]
    assert kit.audience_min_tier == tiers["Gold"] and kit.audience_types == ["reseller"]
    assert list(kit.audience_partners.all()) == [partners["Silver agency"]]
    with kit.cover_image.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"
    reached = {p.name for p in partners_in_audience(kit, ignore_schedule=True)}
    assert reached == {"Gold reseller", "Platinum reseller", "Silver agency"}


def test_bad_input_names_the_fields_and_stores_nothing(ws_client, tiers):
    tags_before = Tag.objects.count()
    response = ws_client.post(
        reverse("workspace:kit_create"),
        kit_form(
            title="",
            new_tags="A" * 41,
            publish_at=local(timezone.now() - timedelta(days=1)),
            audience_min_tier=999_999,
            cover_upload=SimpleUploadedFile("cover.png", b"not a picture at all"),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "new_tags", "publish_at", "audience_min_tier", "cover_upload"}
    assert "not an image" in errors["cover_upload"][0]
    assert "in the past" in errors["publish_at"][0]
    assert Kit.objects.count() == 0 and Tag.objects.count() == tags_before
    assert not (Path(settings.MEDIA_ROOT) / "covers").exists()
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "Nothing was saved" in html


def test_a_cover_over_the_size_cap_is_refused(ws_client, settings):
    settings.KIT_COVER_MAX_UPLOAD_BYTES = 1000
    response = ws_client.post(
        reverse("workspace:kit_create"), kit_form(cover_upload=jpeg_upload(size=(800, 800)))
    )
    assert "a cover can be at most" in response.context["form"].errors["cover_upload"][0]
    assert Kit.objects.count() == 0


def test_a_checked_cover_is_kept_when_the_form_fails_elsewhere(ws_client):
    first = ws_client.post(
        reverse("workspace:kit_create"), kit_form(title="", cover_upload=jpeg_upload())
    )
    form = first.context["form"]
    assert set(form.errors) == {"title"} and form.kept_cover_token
    assert "Kept from your last try: cover.jpg" in first.content.decode()
    pending = list((Path(settings.MEDIA_ROOT) / "pending").iterdir())
    assert len(pending) == 1 and Kit.objects.count() == 0
    # The next try sends the token back, not the file.
    second = ws_client.post(
        reverse("workspace:kit_create"), kit_form(cover_token=form.kept_cover_token)
    )
    assert second.status_code == 302
    kit = Kit.objects.get()
    with kit.cover_image.open("rb") as handle:
        assert Image.open(handle).size == (320, 200)
    assert not pending[0].exists()


def test_a_forged_cover_token_is_refused(ws_client):
    response = ws_client.post(
        reverse("workspace:kit_create"), kit_form(cover_token="pending/../../settings.py")
    )
    assert "upload it again" in response.context["form"].errors["cover_upload"][0]
    assert Kit.objects.count() == 0


def test_editing_changes_the_audience_and_keeps_the_dates_it_was_not_asked_to_move(
    ws_client, tiers
):
    kit = KitFactory(title="Spring", publish_at=timezone.now() - timedelta(hours=1, seconds=17))
    kit.audience_tiers.add(tiers["Gold"])
    url = reverse("workspace:kit_edit", args=[kit.pk])
    page = ws_client.get(url)
    assert page.status_code == 200 and "Reaches 0 partners" in page.content.decode()
    response = ws_client.post(
        url,
        kit_form(
            title="Spring, again",
            publish_at=local(kit.publish_at),  # as the picker shows it: no seconds
            audience_min_tier=tiers["Silver"].pk,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    kit.refresh_from_db()
    assert kit.title == "Spring, again" and kit.status == Kit.Status.PUBLISHED
    assert kit.audience_min_tier == tiers["Silver"] and not kit.audience_tiers.exists()


def test_an_edit_with_a_past_publish_date_changes_nothing(ws_client, tiers):
    kit = KitFactory(title="Spring", status=Kit.Status.DRAFT, publish_at=None)
    response = ws_client.post(
        reverse("workspace:kit_edit", args=[kit.pk]),
        kit_form(
            title="Renamed",
            publish_at=local(timezone.now() - timedelta(days=2)),
            audience_min_tier=tiers["Gold"].pk,
        ),
    )
    assert "publish_at" in response.context["form"].errors
    kit.refresh_from_db()
    assert kit.title == "Spring" and kit.audience_min_tier is None and kit.publish_at is None


# --- Reach of an audience being edited ------------------------------------------


def test_the_reach_endpoint_counts_the_unsaved_audience(ws_client, tiers, regions, partners):
    url = reverse("workspace:kit_audience_reach")

    def reach(**query) -> str:
        response = ws_client.get(url, query)
        assert response.status_code == 200
        return response.content.decode()

    assert "Reaches 8 partners" in reach()  # everyone active
    assert "Reaches 4 partners" in reach(audience_min_tier=tiers["Gold"].pk)
    assert "Reaches 2 partners" in reach(
        audience_min_tier=tiers["Gold"].pk, audience_types=["agency"]
    )
    assert "Reaches 3 partners" in reach(
        audience_tiers=[tiers["Registered"].pk],
        audience_min_tier=tiers["Platinum"].pk,
        audience_regions=[regions["EMEA"].pk],
        audience_partners=[partners["Silver agency"].pk],
    )
    assert "Check the audience" in reach(audience_tiers=["nonsense"])
    assert Kit.objects.count() == 0


def test_the_form_asks_for_the_reach_as_the_audience_changes(ws_client):
    html = ws_client.get(reverse("workspace:kit_create")).content.decode()
    assert f'hx-get="{reverse("workspace:kit_audience_reach")}"' in html
    assert 'hx-trigger="change"' in html and 'id="kit-reach"' in html
    assert "<script>" not in html and "style=" not in html


# --- The kit's page and its lifecycle buttons ----------------------------------


def test_the_kit_page_shows_fields_audience_and_assets_in_order(ws_client, tiers, partners):
    kit = KitFactory(title="Spring", summary="Fresh stuff", audience_min_tier=tiers["Gold"])
    second = make_guideline(kit, title="Tone of voice", position=2)
    first = make_document(kit, title="One pager", position=1)
    first.thumbnail.save("t.png", ContentFile(png_bytes(30, 30)), save=True)
    html = ws_client.get(reverse("workspace:kit_detail", args=[kit.pk])).content.decode()
    assert "Fresh stuff" in html and "Tiers: Gold and above" in html
    assert "Reaches 4 partners" in html
    assert html.index("One pager") < html.index("Tone of voice")
    assert first.kind_spec.label in html and second.kind_spec.label in html
    assert reverse("workspace:asset_thumbnail", args=[first.pk]) in html
    for name in ("kit_publish", "kit_expire", "kit_archive", "kit_schedule", "kit_duplicate"):
        assert reverse(f"workspace:{name}", args=[kit.pk]) in html


def post_button(client, kit, name, **data):
    return client.post(reverse(f"workspace:{name}", args=[kit.pk]), data, follow=True)


def test_publish_now_puts_a_draft_live(ws_client):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    response = post_button(ws_client, kit, "kit_publish")
    kit.refresh_from_db()
    assert kit.is_live() and kit.went_live_at is not None
    assert "published. Now: Live." in response.content.decode()


def test_publish_now_of_an_expired_kit_is_refused_and_changes_nothing(ws_client):
    kit = KitFactory(expires_at=timezone.now() - timedelta(hours=1), status=Kit.Status.ARCHIVED)
    before = Kit.objects.values().get(pk=kit.pk)
    response = post_button(ws_client, kit, "kit_publish")
    assert "move or remove its expiry date" in response.content.decode()
    assert Kit.objects.values().get(pk=kit.pk) == before


def test_schedule_sets_a_future_date(ws_client):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    at = timezone.now() + timedelta(days=5)
    response = post_button(ws_client, kit, "kit_schedule", at=local(at))
    kit.refresh_from_db()
    assert kit.status == Kit.Status.SCHEDULED and local(kit.publish_at) == local(at)
    assert "Scheduled for" in response.content.decode()


def test_a_refused_schedule_shows_why_and_changes_nothing(ws_client):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    before = Kit.objects.values().get(pk=kit.pk)
    past = ws_client.post(
        reverse("workspace:kit_schedule", args=[kit.pk]),
        {"at": local(timezone.now() - timedelta(days=1))},
    )
    assert "in the past" in past.context["schedule_form"].errors["at"][0]
    empty = ws_client.post(reverse("workspace:kit_schedule", args=[kit.pk]), {"at": ""})
    assert "at" in empty.context["schedule_form"].errors
    assert Kit.objects.values().get(pk=kit.pk) == before


def test_expire_now_takes_a_live_kit_off_show(ws_client):
    kit = KitFactory()
    post_button(ws_client, kit, "kit_expire")
    kit.refresh_from_db()
    assert not kit.is_live() and kit.expires_at <= timezone.now()


def test_expire_now_of_a_draft_is_refused(ws_client):
    kit = KitFactory(status=Kit.Status.DRAFT, publish_at=None)
    response = post_button(ws_client, kit, "kit_expire")
    assert "Only a kit that partners can see now can expire now." in response.content.decode()
    kit.refresh_from_db()
    assert kit.expires_at is None and kit.status == Kit.Status.DRAFT


def test_archive_withdraws_the_kit(ws_client):
    kit = KitFactory()
    response = post_button(ws_client, kit, "kit_archive")
    kit.refresh_from_db()
    assert kit.status == Kit.Status.ARCHIVED and "Now: Archived." in response.content.decode()


def test_lifecycle_buttons_answer_only_posts(ws_client):
    kit = KitFactory()
    for name in ("kit_publish", "kit_schedule", "kit_expire", "kit_archive", "kit_duplicate"):
        assert ws_client.get(reverse(f"workspace:{name}", args=[kit.pk])).status_code == 405


# --- Tier and above, as partners see it ------------------------------------------


def test_a_gold_and_above_kit_reaches_platinum_partners_in_their_library(
    client, ws_client, tiers, regions, partners
):
    from tests.factories import MembershipFactory

    response = ws_client.post(
        reverse("workspace:kit_create"),
        kit_form(title="Gold club", audience_min_tier=tiers["Gold"].pk),
    )
    kit = Kit.objects.get(title="Gold club")
    make_document(kit, title="Gold flyer")
    assert response.status_code == 302
    # Past the worst-case check: what it finds is its own tests' business.
    post_button(ws_client, kit, "kit_publish", confirm="1")

    def library_for(partner_name):
        member = MembershipFactory(organisation=partners[partner_name])
        client.force_login(member.user)
        return (
            client.get(reverse("assets:library")).content.decode(),
            client.get(reverse("assets:kit_detail", args=[kit.pk])).status_code,
        )

    for name in ("Platinum reseller", "Gold agency"):
        html, status = library_for(name)
        assert "Gold flyer" in html and status == 200, name
    for name in ("Silver reseller", "Registered agency"):
        html, status = library_for(name)
        assert "Gold flyer" not in html and status == 404, name

"""kit_duplicate: a draft copy with the same audience, tags and cover, and
every asset with its own first version of the same source."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from assets.kinds import KINDS
from assets.models import Asset, AssetResource, AssetVersion, EditableField, Kit
from assets.rendering import normalise_picture
from assets.renditions import render_for_partner
from assets.resources import NewPicture
from assets.services import asset_version_create
from portal.workspace.services import kit_duplicate
from tests.assets.kinds.test_contract import SOURCES
from tests.factories import (
    AssetFactory,
    KitFactory,
    PartnerFactory,
    RegionFactory,
    TagFactory,
    TierFactory,
    make_course,
    make_guideline,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(partner):
    """A kit with an audience, tags, a cover and one asset of every kind."""
    gold = TierFactory(name="Gold", rank=3)
    kit = KitFactory(title="Spring", summary="Fresh", audience_min_tier=gold)
    kit.audience_types = ["reseller"]
    kit.save()
    kit.audience_tiers.add(TierFactory(name="Silver", rank=2))
    kit.audience_regions.add(RegionFactory(name="EMEA"))
    kit.audience_partners.add(partner, PartnerFactory(name="Named one"))
    kit.tags.add(TagFactory(name="Spring", slug="spring"), TagFactory(name="Q2", slug="q2"))
    kit.cover_image.save("cover.png", ContentFile(png_bytes(80, 50)), save=True)
    for position, key in enumerate(KINDS):
        source = SOURCES[key]()
        if source is None:
            continue
        asset = AssetFactory(kit=kit, kind=key, title=f"The {key}", position=position)
        asset.thumbnail.save("t.png", ContentFile(png_bytes(20, 20)), save=True)
        EditableField.objects.create(asset=asset, name="headline", label="Headline", default="Hi")
        if key == "html_document":
            badge = normalise_picture(png_bytes(60, 60, (0, 160, 0, 255)))
            source["pictures"] = [NewPicture("badge", "badge.png", badge)]
        asset_version_create(asset=asset, **source)
    make_guideline(kit, title="Messaging", position=90)
    make_course(kit, title="Course", position=91)
    return kit


def test_the_copy_is_a_draft_with_the_same_audience_tags_and_cover(original, marketing_admin):
    copy = kit_duplicate(kit=original, by=marketing_admin)
    assert copy.pk != original.pk and copy.title == "Spring (copy)"
    assert copy.status == Kit.Status.DRAFT and copy.publish_at is None
    assert copy.went_live_at is None and copy.expires_at is None
    assert copy.summary == "Fresh" and copy.cover_image.name == original.cover_image.name
    assert copy.audience_min_tier == original.audience_min_tier
    assert copy.audience_types == ["reseller"]
    for relation in ("tags", "audience_tiers", "audience_regions", "audience_partners"):
        mine = set(getattr(copy, relation).values_list("pk", flat=True))
        assert mine == set(getattr(original, relation).values_list("pk", flat=True)), relation


def test_every_asset_is_copied_with_its_own_rows(original, marketing_admin):
    copy = kit_duplicate(kit=original, by=marketing_admin)
    before = list(original.assets.order_by("position", "id"))
    after = list(copy.assets.order_by("position", "id"))
    assert [(a.kind, a.title, a.position) for a in after] == [
        (a.kind, a.title, a.position) for a in before
    ]
    for old, new in zip(before, after, strict=True):
        assert new.pk != old.pk and new.thumbnail.name == old.thumbnail.name
        if old.current_version is None:
            assert new.current_version is None
        else:
            version = new.current_version
            assert version.asset == new and version.number == 1
            assert version.created_by == marketing_admin
            assert version.content_hash == old.current_version.content_hash
            assert version.source_file.name == old.current_version.source_file.name
            assert version.layout == old.current_version.layout
            assert version.template == old.current_version.template
            old_pictures = old.current_version.resources.values_list("name", "file", "sha256")
            assert set(version.resources.values_list("name", "file", "sha256")) == set(old_pictures)
        assert list(new.editable_fields.values_list("name", "label", "default")) == list(
            old.editable_fields.values_list("name", "label", "default")
        )
        assert list(new.guideline_entries.values_list("section", "body")) == list(
            old.guideline_entries.values_list("section", "body")
        )
        assert list(new.lessons.values_list("title", "attachment", "position")) == list(
            old.lessons.values_list("title", "attachment", "position")
        )
    # Nothing mutable is shared: the original's rows are all still its own.
    assert not AssetVersion.objects.filter(
        asset__kit=copy, pk__in=[a.current_version_id for a in before if a.current_version_id]
    ).exists()
    assert AssetResource.objects.filter(version__asset__kit=copy).count() == 1
    assert Asset.objects.filter(kit=original).count() == len(before)


def test_the_copy_renders_the_same_pdf_for_a_partner(original, partner, marketing_admin):
    copy = kit_duplicate(kit=original, by=marketing_admin)
    pairs = zip(
        original.assets.order_by("position", "id"),
        copy.assets.order_by("position", "id"),
        strict=True,
    )
    compared, texts = 0, []
    for old, new in pairs:
        if "pdf" not in old.kind_spec.formats:
            continue
        outputs = []
        for asset in (old, new):
            rendition = render_for_partner(asset=asset, partner=partner, output_format="pdf")
            with rendition.file.open("rb") as handle:
                outputs.append(handle.read())
        readers = [PdfReader(io.BytesIO(data)) for data in outputs]
        assert len(readers[0].pages) == len(readers[1].pages)
        for page_old, page_new in zip(readers[0].pages, readers[1].pages, strict=True):
            assert page_old.extract_text() == page_new.extract_text()
            texts.append(page_new.extract_text())
            assert page_old.get_contents().get_data() == page_new.get_contents().get_data()
        compared += 1
    assert compared >= 2  # the HTML document and the designed PDF
    assert any(partner.name in text for text in texts)


def test_the_duplicate_button_makes_the_copy_and_opens_it(ws_client, original):
    response = ws_client.post(reverse("workspace:kit_duplicate", args=[original.pk]))
    copy = Kit.objects.get(title="Spring (copy)")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:kit_detail", args=[copy.pk])
    assert copy.assets.count() == original.assets.count()

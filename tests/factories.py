"""factory_boy factories: one place for building test data."""

import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from assets.models import Asset, AssetKind, AssetVersion, GuidelineEntry, Kit, Lesson, Tag
from portal.accounts.models import User
from portal.partners.models import (
    BrandProfile,
    Membership,
    PartnerOrganisation,
    PartnerType,
    Region,
    Tier,
)

PASSWORD = "correct-horse-battery"


def png_bytes(width=400, height=200, colour=(30, 90, 160, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ("name",)

    name = "Gold"
    rank = 3


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "EMEA"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    partner_type = PartnerType.RESELLER
    tier = factory.SubFactory(TierFactory)
    region = factory.SubFactory(RegionFactory)


class BrandProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandProfile
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(PartnerFactory)
    phone = "+44 20 7946 0000"
    email = "hello@partner.example"
    website = "https://partner.example"
    address = "1 High Street\nLondon"
    tagline = "Trusted since 1999"
    referral_url = "https://vendor.example/r/partner"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(PartnerFactory)
    role = Membership.Role.USER


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class KitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kit

    title = factory.Sequence(lambda n: f"Kit {n}")
    summary = "A campaign kit."
    status = Kit.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    kit = factory.SubFactory(KitFactory)
    kind = AssetKind.FILE
    title = factory.Sequence(lambda n: f"Asset {n}")


def make_file_asset(
    kit=None, *, content=b"%PDF-1.4 data sheet", name="datasheet.pdf", **kwargs
) -> Asset:
    """A `file` asset with a current version holding `content`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assets.services import asset_version_create

    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.FILE, **kwargs)
    asset_version_create(asset=asset, source_file=SimpleUploadedFile(name, content))
    return asset


DOCUMENT_TEMPLATE = """<html><body>
<h1>{{ field.headline }}</h1>
<p>Call {{ partner.name }} on {{ partner.phone }}</p>
{% if partner.logo %}<img src="{{ partner.logo }}" style="width: 40mm">{% endif %}
</body></html>"""


def make_document(
    kit=None, *, template=DOCUMENT_TEMPLATE, headline="Spring offer", **kwargs
) -> Asset:
    """An `html_document` asset with a `headline` editable field."""
    from assets.models import EditableField
    from assets.services import asset_version_create

    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.HTML_DOCUMENT, **kwargs)
    EditableField.objects.create(
        asset=asset, name="headline", label="Headline", default=headline, max_length=60
    )
    asset_version_create(asset=asset, template=template)
    return asset


def make_guideline(kit=None, **kwargs) -> Asset:
    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.GUIDELINE, **kwargs)
    GuidelineEntry.objects.create(
        asset=asset, section="boilerplate", title="About us", body="Northwind makes clouds simple."
    )
    GuidelineEntry.objects.create(asset=asset, section="dont", body="Don't call it a platform.")
    return asset


def make_course(kit=None, lessons=3, **kwargs) -> Asset:
    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.TRAINING, **kwargs)
    for i in range(lessons):
        lesson = Lesson(asset=asset, title=f"Lesson {i + 1}", body="Read this.", position=i)
        if i == 0:
            lesson.attachment.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=False)
            lesson.attachment_name = "slides.pdf"
        lesson.save()
    return asset


__all__ = ["AssetVersion"]


# What a partner admin posts on the brand profile page.
BRAND_PROFILE_FORM = {
    "display_name": "Acme",
    "tagline": "We sell clouds",
    "phone": "+44 20 7946 1234",
    "email": "sales@acme.example",
    "website": "https://acme.example",
    "referral_url": "https://vendor.example/r/acme",
    "address": "1 High Street\nLondon",
    "primary_color": "#112233",
    "secondary_color": "#445566",
}


def make_marketing_admin(**kwargs):
    """A vendor staff member in the Marketing admins group (who may use the
    workspace and the admin)."""
    from django.contrib.auth.models import Group

    from assets.roles import MARKETING_ADMINS, ensure_marketing_admin_group

    ensure_marketing_admin_group()
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    return user

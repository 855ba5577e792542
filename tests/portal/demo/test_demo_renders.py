"""Every co-brandable demo asset renders for every demo partner with a complete profile."""

import email
import email.policy
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from assets import renditions
from assets.kinds import keys_where
from assets.models import Asset
from assets.rendering import MissingBrandDetails
from portal.partners.models import PartnerOrganisation
from tests.portal.demo.support import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()


def _text(rendition) -> str:
    data = rendition.file.read()
    if rendition.content_type == "application/pdf":
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if rendition.output_format == "eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        return message.get_body(("plain",)).get_content() + message["Subject"]
    return data.decode()


@pytest.mark.parametrize("slug", ["acme", "brightpath", "codewave"])
def test_every_demo_asset_carries_the_partner(demo, slug):
    partner = PartnerOrganisation.objects.get(slug=slug)
    profile = partner.brand
    assets = Asset.objects.filter(kind__in=keys_where("renderable")).select_related(
        "current_version"
    )
    assert assets.count() == 6
    for asset in assets:
        for fmt in renditions.formats_for(asset):
            rendition = renditions.render_for_partner(
                asset=asset, partner=partner, output_format=fmt
            )
            if rendition.content_type.startswith("image/"):
                picture = Image.open(rendition.file.open("rb"))
                assert picture.size == (1200, 630)
                continue
            text = _text(rendition)
            assert profile.name in text, (asset.title, fmt)
            assert profile.phone in text, (asset.title, fmt)


def test_demo_email_subjects_carry_the_partner(demo):
    acme = PartnerOrganisation.objects.get(slug="acme")
    for title, subject in (
        ("Launch announcement e-mail", "Acme Resellers: backups you never think about"),
        ("Webinar invitation e-mail", "Join Acme Resellers and Northwind Cloud live"),
    ):
        asset = Asset.objects.get(title__startswith=title)
        rendition = renditions.render_for_partner(asset=asset, partner=acme, output_format="eml")
        message = email.message_from_bytes(rendition.file.read(), policy=email.policy.default)
        assert message["Subject"] == subject


def test_images_differ_between_partners(demo):
    card = Asset.objects.get(title="LinkedIn social card")
    made = {
        renditions.render_for_partner(asset=card, partner=p).file.read()
        for p in PartnerOrganisation.objects.exclude(slug="dana-fit")
    }
    assert len(made) == 3


def test_the_incomplete_demo_profile_is_told_what_to_add(demo):
    dana = PartnerOrganisation.objects.get(slug="dana-fit")
    flyer = Asset.objects.get(title__startswith="Spring flyer")
    with pytest.raises(MissingBrandDetails) as caught:
        renditions.render_for_partner(asset=flyer, partner=dana)
    assert set(caught.value.missing) == {"phone", "address_lines", "referral_url"}

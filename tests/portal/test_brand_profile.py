import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.partners.models import BrandProfile
from tests.factories import BRAND_PROFILE_FORM

pytestmark = pytest.mark.django_db


def image_upload(fmt="PNG", size=(800, 300), name="logo.png", mode="RGB"):
    buffer = io.BytesIO()
    image = Image.new(mode, size, "white")
    image.paste((200, 30, 30) if mode == "RGB" else 80, (100, 50, 700, 250))
    image.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_profile_saves_and_logo_is_normalised(admin_client_partner, partner):
    response = admin_client_partner.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "logo_upload": image_upload("JPEG", name="logo.jpg")},
    )
    assert response.status_code == 302
    profile = BrandProfile.objects.get(organisation=partner)
    assert profile.phone == "+44 20 7946 1234" and profile.primary_color == "#112233"
    with profile.logo.open("rb") as handle:
        stored = Image.open(handle)
        stored.load()
    assert stored.format == "PNG" and stored.mode == "RGBA"
    # Trimmed to the drawn mark (600 x 200 inside an 800 x 300 white canvas).
    assert (profile.logo_width, profile.logo_height) == stored.size == (600, 200)
    assert profile.logo.name.endswith(".png") and "logo" not in profile.logo.name.rsplit("/", 1)[-1]
    logo = admin_client_partner.get(reverse("partners:brand_logo", args=["logo"]))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"


def test_profile_page_explains_the_referral_link(admin_client_partner):
    page = admin_client_partner.get(reverse("partners:brand_profile")).content.decode()
    assert "The link your leads should follow; it also becomes the QR code." in page


def test_replacing_a_logo_removes_the_old_file(admin_client_partner, partner, settings):
    admin_client_partner.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "logo_upload": image_upload()}
    )
    first = BrandProfile.objects.get(organisation=partner).logo.name
    admin_client_partner.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "logo_upload": image_upload(size=(900, 400))},
    )
    profile = BrandProfile.objects.get(organisation=partner)
    second = profile.logo.name
    assert first != second
    # The logo and its PDF encoding (kept by hash); the old ones are gone.
    expected = [second.rsplit("/", 1)[-1], f"{profile.logo_sha256}.bin"]
    assert media_files(settings) == sorted(expected)


def test_small_logo_is_accepted_with_a_warning(admin_client_partner):
    response = admin_client_partner.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "logo_upload": image_upload(size=(120, 60))},
        follow=True,
    )
    assert "The logo is only 120 px wide and may print blurry" in response.content.decode()


def _bomb():
    # A small file whose header declares a gigantic picture.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "upload, expected",
    [
        (SimpleUploadedFile("logo.png", b"this is not a picture"), "not"),
        (SimpleUploadedFile("logo.png", b"%PDF-1.4\n%%EOF"), "PDF"),
        (image_upload("BMP", name="logo.png"), "BMP"),
        (SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "SVG"),
        (_bomb(), "too large"),
    ],
    ids=["text", "pdf-named-png", "bmp-named-png", "svg", "decompression-bomb"],
)
def test_bad_logos_are_form_errors_and_store_nothing(
    admin_client_partner, partner, settings, upload, expected
):
    before = media_files(settings)
    logo_before = BrandProfile.objects.get(organisation=partner).logo.name
    response = admin_client_partner.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "logo_upload": upload}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["logo_upload"]
    assert any(expected.lower() in e.lower() for e in errors), errors
    profile = BrandProfile.objects.get(organisation=partner)
    assert (
        profile.logo.name == logo_before and profile.phone != BRAND_PROFILE_FORM["phone"]
    )  # nothing saved, not even the text
    assert media_files(settings) == before


def test_oversized_upload_is_refused_before_parsing(admin_client_partner, settings):
    settings.LOGO_MAX_UPLOAD_BYTES = 1000
    response = admin_client_partner.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "logo_upload": image_upload(size=(1200, 900))},
    )
    assert "at most" in " ".join(response.context["form"].errors["logo_upload"])


@pytest.mark.parametrize(
    "field, value", [("primary_color", "red;}</style><script>"), ("phone", "<b>call</b>")]
)
def test_hostile_text_is_a_form_error(admin_client_partner, partner, field, value):
    response = admin_client_partner.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, field: value}
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert BrandProfile.objects.get(organisation=partner).phone != BRAND_PROFILE_FORM["phone"]


def test_missing_logo_file_is_a_404_and_a_log_line(admin_client_partner, partner, caplog):
    admin_client_partner.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "logo_upload": image_upload()}
    )
    profile = BrandProfile.objects.get(organisation=partner)
    profile.logo.storage.delete(profile.logo.name)
    with caplog.at_level(logging.ERROR):
        response = admin_client_partner.get(reverse("partners:brand_logo", args=["logo"]))
    assert response.status_code == 404
    assert "stored file missing" in caplog.text


def test_dashboard_names_what_the_profile_lacks(partner_client, partner):
    BrandProfile.objects.filter(organisation=partner).update(phone="", referral_url="", logo="")
    body = partner_client.get(reverse("home:dashboard")).content.decode()
    assert "Phone number" in body and "Referral link" in body and "Logo" in body


def test_partner_users_see_the_profile_but_cannot_change_it(partner_client, partner):
    page = partner_client.get(reverse("partners:brand_profile"))
    html = page.content.decode()
    assert page.status_code == 200 and "Only your organisation's partner admins" in html
    assert "Save the profile" not in html and "<fieldset disabled>" in html
    before = BrandProfile.objects.get(organisation=partner)
    response = partner_client.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "display_name": "Hijacked", "logo_upload": image_upload()},
    )
    assert response.status_code == 403
    after = BrandProfile.objects.get(organisation=partner)
    assert (after.display_name, after.phone, after.logo.name) == (
        before.display_name,
        before.phone,
        before.logo.name,
    )


def test_an_uploaded_logo_is_encoded_for_pdf_once_and_given_to_the_renderer(
    admin_client_partner, partner
):
    from django.core.files.storage import default_storage

    from assets.branding import brand_for_partner
    from assets.rendering import pdf_images
    from portal.partners.services import logo_pdf_image_name

    admin_client_partner.post(
        reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "logo_upload": image_upload()}
    )
    profile = BrandProfile.objects.get(organisation=partner)
    with default_storage.open(logo_pdf_image_name(profile.logo_sha256)) as handle:
        stored = handle.read()
    with profile.logo.open("rb") as handle:
        png = handle.read()
    assert pdf_images.unpack_encoded(stored) == pdf_images.encode_image(png)
    partner.refresh_from_db()
    logo = brand_for_partner(partner).logo
    assert logo.sha256 == profile.logo_sha256 and logo.pdf_image == stored

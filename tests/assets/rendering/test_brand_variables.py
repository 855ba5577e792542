import datetime
from dataclasses import replace

import pytest

from assets.rendering import (
    VARIABLES,
    Brand,
    MissingBrandDetails,
    RenderContext,
    missing_brand_details,
    rendition_key,
    required_brand_fields,
    resolve,
    sample_brand,
    sample_context,
    template_context,
    variables_in_text,
)
from assets.rendering.variables import fill_text
from tests.assets.rendering.conftest import context_for


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("#ABC", "#aabbcc"),
        ("123456", "#123456"),
        ("#A1b2C3", "#a1b2c3"),
        ("red;}</style><script>", "#1f4e79"),
        ("rgb(1,2,3)", "#1f4e79"),
        ("", "#1f4e79"),
    ],
)
def test_colours_are_normalised_or_fall_back(given, expected):
    assert Brand(name="A", slug="a", primary_color=given).primary_color == expected


def test_fingerprint_changes_with_any_field_and_logo(brand, dark_logo):
    same = Brand(**{**brand.__dict__})
    assert same.fingerprint() == brand.fingerprint()
    assert Brand(**{**brand.__dict__, "phone": "1"}).fingerprint() != brand.fingerprint()
    assert Brand(**{**brand.__dict__, "logo": dark_logo}).fingerprint() != brand.fingerprint()


def test_context_fields_are_frozen(brand):
    ctx = context_for(brand, headline="Hi")
    with pytest.raises(TypeError):
        ctx.fields["headline"] = "changed"


def test_placeholders_and_single_pass_fill(brand):
    assert variables_in_text("Call {partner.phone} or { field.x }, {not-a-var}") == {
        "partner.phone",
        "field.x",
    }
    sneaky = Brand(**{**brand.__dict__, "name": "{partner.phone}"})
    assert fill_text("{partner.name}!", context_for(sneaky)) == "{partner.phone}!"


def test_resolve_and_template_context(ctx):
    assert resolve("partner.address", ctx) == "1 High Street, Leeds LS1 1AA"
    assert resolve("partner.address_lines", ctx) == "1 High Street\nLeeds LS1 1AA"
    assert resolve("field.headline", ctx) == "Spring offer"
    assert resolve("today", ctx) == "14 March 2026"
    assert resolve("partner.logo_dark", ctx) == resolve("partner.logo", ctx)  # falls back
    context = template_context(ctx)
    assert context["partner"]["name"] == "Acme Resellers"
    assert context["partner"]["logo"].startswith("https://cobrand.invalid/")
    assert context["field"] == {"headline": "Spring offer"}
    assert context["vendor"] == {"name": "Northwind Cloud"}

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, str)

    assert plain(context)


def test_registry_has_labels_and_samples():
    for name, variable in VARIABLES.items():
        assert variable.name == name and variable.label and variable.sample


def test_missing_brand_details_names_profile_fields():
    bare = Brand(name="Bare Ltd", slug="bare")
    names = {"partner.name", "partner.phone", "partner.logo", "partner.qr", "field.x"}
    assert required_brand_fields(names) == ["name", "phone", "referral_url", "logo"]
    assert missing_brand_details(bare, names) == ["phone", "referral_url", "logo"]
    # A QR code pointing at a landing page needs no referral link.
    assert missing_brand_details(bare, names, landing_url="https://x.example/p/1") == [
        "phone",
        "logo",
    ]
    error = MissingBrandDetails(["phone", "logo"])
    assert str(error) == "Add your phone number and logo to your brand profile."
    assert error.missing == ["phone", "logo"]


def test_samples_are_complete():
    brand = sample_brand()
    assert brand.logo and brand.logo.width > brand.logo.height
    ctx = sample_context({"headline": "", "offer": "20% off"})
    assert ctx.fields == {"headline": "Sample headline", "offer": "20% off"}
    assert missing_brand_details(brand, VARIABLES) == []


def test_rendition_key_covers_every_input(brand):
    ctx = context_for(brand, a="1", b="2")
    base = dict(asset_version="7", ctx=ctx, output_format="pdf")
    key = rendition_key(**base)
    assert key == rendition_key(**{**base, "ctx": context_for(brand, b="2", a="1")})
    assert len(key) == 64
    other_brand = Brand(**{**brand.__dict__, "tagline": "new"})
    for change in (
        {"asset_version": "8"},
        {"ctx": context_for(brand, a="1", b="3")},
        {"output_format": "png"},
        {"ctx": context_for(other_brand, a="1", b="2")},
        {"ctx": replace(ctx, vendor_name="Other Vendor")},
        {"ctx": replace(ctx, today=ctx.today + datetime.timedelta(days=1))},
        {"ctx": replace(ctx, landing_url="https://example.com/p/acme/x/")},
    ):
        assert rendition_key(**{**base, **change}) != key


def test_render_context_qr_target(brand):
    ctx = RenderContext(brand=brand, fields={}, vendor_name="V", today=datetime.date.today())
    assert ctx.qr_target == brand.referral_url
    landing = RenderContext(
        brand=brand,
        fields={},
        vendor_name="V",
        today=datetime.date.today(),
        landing_url="https://p.example/l",
    )
    assert landing.qr_target == "https://p.example/l"

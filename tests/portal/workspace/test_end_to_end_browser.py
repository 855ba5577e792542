"""From an empty kit to a partner's co-branded PDF, through the real pages
only, in headless Chromium: a marketing admin signs in, creates a kit for
the Gold tier, uploads a three-page PDF, draws a logo zone and a text zone
with the mouse, nudges one with the keyboard, previews page 2 as a partner,
looks at the worst-case list and publishes. A Gold partner then downloads
the PDF, whose logo is checked to lie inside the drawn box; a Silver
partner never sees the kit. axe-core checks every workspace page visited."""

import io
import re
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from assets.models import Asset, Kit
from tests.a11y import AxeAudit
from tests.conftest import give_logo
from tests.factories import (
    PASSWORD,
    BrandProfileFactory,
    MembershipFactory,
    PartnerFactory,
    TierFactory,
    make_marketing_admin,
)
from tests.portal.workspace.zone_support import multipage_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_MM = (210.0, 297.0)
LOGO_RGB = (200, 30, 30)
#: Screenshots of the zone editor and the worst-case list, to look at.
SCREENSHOTS = Path(tempfile.gettempdir())


def sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def draw(page, box, start_mm, end_mm) -> None:
    """Drag on the zone editor's page from one point to another (mm)."""
    scale = box["width"] / A4_MM[0]

    def at(point):
        return box["x"] + point[0] * scale, box["y"] + point[1] * scale

    page.mouse.move(*at(start_mm))
    page.mouse.down()
    page.mouse.move(*at(((start_mm[0] + end_mm[0]) / 2, (start_mm[1] + end_mm[1]) / 2)), steps=4)
    page.mouse.move(*at(end_mm), steps=4)
    page.mouse.up()


def logo_pixels_bounds(pdf: bytes, scale: float):
    """Render page 1 of `pdf` and return the bounding box (px) of the
    pixels in the logo's red, or None when there are none."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    red = image.point(lambda _: 0)  # same size, all black
    pixels = image.load()
    mask = red.load()
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = pixels[x, y]
            if abs(r - LOGO_RGB[0]) < 40 and g < 90 and b < 90:
                mask[x, y] = (255, 255, 255)
    return red.getbbox()


def test_an_admin_publishes_a_cobranded_pdf_a_gold_partner_downloads_it(browser_page, tmp_path):
    from playwright.sync_api import expect

    gold, silver = TierFactory(name="Gold", rank=3), TierFactory(name="Silver", rank=2)
    acme = PartnerFactory(name="Acme Resellers", slug="acme", tier=gold)
    give_logo(BrandProfileFactory(organisation=acme), colour=(*LOGO_RGB, 255))
    globex = PartnerFactory(name="Globex Agency", slug="globex", tier=silver)
    give_logo(BrandProfileFactory(organisation=globex))
    acme_user = MembershipFactory(organisation=acme, role="user").user
    globex_user = MembershipFactory(organisation=globex, role="user").user
    admin = make_marketing_admin(email="morgan@northwind.example")

    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    axe = AxeAudit(page)

    # The admin signs in on the ordinary login page and lands in the workspace.
    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    axe.check("kit list")

    # A kit for the Gold tier; first without a title, so the form shows errors.
    page.get_by_role("link", name=re.compile("New kit")).first.click()
    page.get_by_label("Gold", exact=True).check()
    expect(page.locator("#kit-reach")).to_have_text("Reaches 1 partner")
    page.get_by_role("button", name="Create the kit").click()
    expect(page.locator(".alert-danger")).to_contain_text("Nothing was saved")
    axe.check("kit form with errors")
    page.get_by_label("Title").fill("Spring launch")
    page.get_by_role("button", name="Create the kit").click()
    expect(page.locator("h1")).to_have_text("Spring launch")
    kit = Kit.objects.get(title="Spring launch")
    assert list(kit.audience_tiers.all()) == [gold]
    axe.check("kit page")
    page.goto(f"/workspace/kits/{kit.pk}/edit/")
    axe.check("kit form")
    page.go_back()

    # Upload a three-page PDF; its proposed kind is a designed PDF.
    page.get_by_role("link", name="Add files").click()
    axe.check("upload page")
    page.set_input_files(
        "input[type=file]",
        [{"name": "brochure.pdf", "mimeType": "application/pdf", "buffer": multipage_pdf(3)}],
    )
    kind = page.get_by_label("Kind for brochure.pdf")
    expect(kind).to_have_value("pdf_layout")
    expect(kind.locator("option:checked")).to_have_text("Designed PDF with zones (proposed)")
    kind.select_option("pdf_layout")
    page.get_by_role("button", name="Create assets").click()
    expect(page.get_by_text("1 asset created.")).to_be_visible()
    axe.check("upload page with assets")
    asset = Asset.objects.get(kit=kit)
    page.get_by_role("link", name="brochure").click()
    expect(page).to_have_url(re.compile(rf"/workspace/assets/{asset.pk}/$"))
    axe.check("asset edit page")

    # The zone editor: a logo zone and a text zone, drawn with the mouse.
    page.goto(f"/workspace/kits/{kit.pk}/")
    page.get_by_role("link", name="Zones of brochure").click()
    page.locator("#zone-editor[data-ready=true]").wait_for()
    expect(page.locator(".ze-strip-page")).to_have_count(3)
    page.locator("#ze-page-image").evaluate("img => img.decode()")
    axe.check("zone editor")
    zones_box = page.locator("#ze-zones").bounding_box()
    page.select_option("#ze-new-type", "logo")
    draw(page, zones_box, (20, 20), (80, 45))
    expect(page.locator(".ze-list-item")).to_have_count(1)
    expect(page.locator('.ze-zone[data-index="0"]')).to_be_focused()
    page.keyboard.press("Shift+ArrowRight")  # 10 mm to the right
    page.keyboard.press("ArrowDown")  # 1 mm down
    page.select_option("#ze-new-type", "text")
    # One line high: Acme's name fits, the check's very long name will not.
    draw(page, zones_box, (20, 60), (100, 66))
    expect(page.locator(".ze-list-item")).to_have_count(2)
    page.locator(".ze-list-item").nth(1).click()
    expect(page.locator("#ze-props-heading")).to_have_text("Zone 2 (Text)")
    page.fill("#ze-content", "Brought to you by {partner.name}")
    page.keyboard.press("Tab")
    page.click("#ze-save")
    expect(page.locator("#ze-status")).to_contain_text("Saved")
    page.screenshot(path=SCREENSHOTS / "e2e-zone-editor.png", full_page=True)
    axe.check("zone editor with zones")
    asset.refresh_from_db()
    logo, text = asset.current_version.layout
    assert logo["type"] == "logo" and text["type"] == "text"
    assert text["content"] == "Brought to you by {partner.name}"
    drawn = logo["box"]
    assert drawn["x"] == pytest.approx(30, abs=0.6)
    assert drawn["y"] == pytest.approx(21, abs=0.6)
    assert drawn["width"] == pytest.approx(60, abs=0.6)
    assert drawn["height"] == pytest.approx(25, abs=0.6)

    # Preview page 2 as Acme, found with the search box.
    page.goto(f"/workspace/kits/{kit.pk}/")
    page.get_by_role("link", name="Preview brochure").click()
    page.get_by_label("Find a partner organisation by name").fill("Acme")
    page.get_by_role("link", name="Preview as Acme Resellers").click()
    expect(page.get_by_text("Now: Acme Resellers")).to_be_visible()
    page.get_by_role("link", name="Page 2").click()
    shown = page.get_by_role("img", name="Page 2 as Acme Resellers")
    expect(shown).to_be_visible()
    assert "page=2" in shown.get_attribute("src")
    assert shown.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    axe.check("preview")

    # The worst cases, then publish (confirming if there are problems).
    page.goto(f"/workspace/kits/{kit.pk}/")
    page.get_by_role("link", name="Check before publishing").click()
    expect(page.locator("h1")).to_contain_text("Worst cases")
    expect(page.get_by_text("Checked with")).to_contain_text("Acme Resellers")
    worst_cases = page.locator("main table")
    expect(worst_cases).to_be_visible()
    expect(worst_cases).to_contain_text("Zone 2")
    page.screenshot(path=SCREENSHOTS / "e2e-worst-cases.png", full_page=True)
    axe.check("check page")
    page.locator("main").get_by_role("link", name="Messaging rules").click()
    axe.check("kit rules")
    page.goto("/workspace/rules/")
    axe.check("rules")
    page.goto("/workspace/kits/import/")
    axe.check("import page")
    page.goto(f"/workspace/kits/{kit.pk}/check/")
    # The check found problems, so publishing asks to go ahead anyway.
    anyway = page.get_by_role("button", name="Publish anyway")
    expect(anyway).to_be_visible()
    anyway.click()
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED
    axe.assert_clean()

    # Acme, in the audience, finds the asset and downloads its PDF.
    sign_in(page, acme_user)
    page.goto("/library/")
    page.get_by_role("link", name=re.compile("brochure")).first.click()
    expect(page.locator("h1")).to_have_text("brochure")
    with page.expect_download() as caught:
        page.locator(f"a[href$='/assets/{asset.pk}/download/pdf/']").click()
    target = tmp_path / "acme.pdf"
    caught.value.save_as(target)
    pdf = target.read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    assert "Acme Resellers" in reader.pages[0].extract_text()
    # The logo's red lies inside the drawn box, converted from mm to pixels.
    px_per_mm = 4.0
    bounds = logo_pixels_bounds(pdf, scale=px_per_mm * 25.4 / 72)  # pdfium: 1.0 = 72 px per inch
    assert bounds is not None, "no logo on page 1"
    left, top, right, bottom = bounds
    tolerance = 1
    assert left >= drawn["x"] * px_per_mm - tolerance
    assert top >= drawn["y"] * px_per_mm - tolerance
    assert right <= (drawn["x"] + drawn["width"]) * px_per_mm + tolerance
    assert bottom <= (drawn["y"] + drawn["height"]) * px_per_mm + tolerance
    # ... and fills a good part of it (the logo is 3:1, the box 60 × 25 mm).
    assert (right - left) >= 0.5 * drawn["width"] * px_per_mm

    # Globex, a Silver partner, does not see the kit at all.
    sign_in(page, globex_user)
    page.goto("/library/")
    expect(page.locator("main")).not_to_contain_text("brochure")
    expect(page.locator("main")).not_to_contain_text("Spring launch")
    assert page.goto(f"/kits/{kit.pk}/").status == 404
    assert page.goto(f"/assets/{asset.pk}/").status == 404
    assert problems == []

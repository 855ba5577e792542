"""A marketing admin draws a zone with the mouse, nudges it with the
keyboard, types a width, picks a variable and saves, in a real browser."""

import pytest

from tests.factories import PASSWORD, make_marketing_admin
from tests.portal.workspace.zone_support import LOGO, make_pdf_layout_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = (210.0, 297.0)


def open_editor(page, admin, asset):
    """Sign in as `admin` and open the zone editor of `asset`."""
    editor = f"/workspace/assets/{asset.pk}/zones/"
    page.goto(f"/accounts/login/?next={editor}")
    page.fill("input[name=username]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{editor}")
    page.locator("#zone-editor[data-ready=true]").wait_for()


def test_an_admin_draws_nudges_and_saves_a_zone(browser_page):
    from playwright.sync_api import expect

    admin = make_marketing_admin(email="morgan@northwind.example")
    asset = make_pdf_layout_asset(pages=3, layout=[LOGO])
    page = browser_page
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    open_editor(page, admin, asset)
    expect(page.locator(".ze-strip-page")).to_have_count(3)
    page.locator("#ze-page-image").evaluate("img => img.decode()")  # the page picture loaded

    # Draw a text zone from (20, 40) to (100, 60) mm on page 1.
    box = page.locator("#ze-zones").bounding_box()
    scale = box["width"] / A4[0]

    def at(x_mm, y_mm):
        return box["x"] + x_mm * scale, box["y"] + y_mm * scale

    page.mouse.move(*at(20, 40))
    page.mouse.down()
    page.mouse.move(*at(60, 50), steps=4)
    page.mouse.move(*at(100, 60), steps=4)
    page.mouse.up()
    expect(page.locator(".ze-list-item")).to_have_count(2)
    expect(page.locator("#ze-props-heading")).to_have_text("Zone 2 (Text)")

    # The new zone has the keyboard: 1 mm right, then 10 mm down with Shift.
    expect(page.locator('.ze-zone[data-index="1"]')).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    # An exact width, typed.
    page.fill("#ze-width", "75.5")
    page.keyboard.press("Tab")
    # A variable, picked by its label and sample.
    option = page.locator("#ze-variable option[value='partner.phone']")
    expect(option).to_have_text("Phone (e.g. +44 20 7946 0000)")
    page.select_option("#ze-variable", "partner.phone")
    page.click("#ze-insert")
    expect(page.locator("#ze-content")).to_have_value("{partner.name}{partner.phone}")

    # Undo takes the variable back out; the content comes back with it again.
    page.click("#ze-undo")
    expect(page.locator("#ze-content")).to_have_value("{partner.name}")
    page.click("#ze-insert")

    page.click("#ze-save")
    expect(page.locator("#ze-status")).to_contain_text("Saved")
    asset.refresh_from_db()
    version = asset.current_version
    assert version.number == 2
    assert version.layout[0] == LOGO
    zone = version.layout[1]
    assert zone["type"] == "text" and zone["page"] == "first"
    assert zone["content"] == "{partner.name}{partner.phone}"
    drawn = zone["box"]
    assert drawn["x"] == pytest.approx(21, abs=0.6)
    assert drawn["y"] == pytest.approx(50, abs=0.6)
    assert drawn["width"] == 75.5
    assert drawn["height"] == pytest.approx(20, abs=0.6)
    assert problems == []


def test_the_browser_refuses_what_the_schema_refuses(browser_page):
    from playwright.sync_api import expect

    admin = make_marketing_admin(email="morgan@northwind.example")
    asset = make_pdf_layout_asset(pages=1, layout=[LOGO])
    page = browser_page
    open_editor(page, admin, asset)
    # The zone list works from the keyboard.
    page.locator(".ze-list-item").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#ze-props")).to_be_visible()
    page.fill("#ze-width", "0")
    page.keyboard.press("Tab")
    expect(page.locator("#ze-errors")).to_be_visible()
    expect(page.locator("#ze-zone-errors")).to_contain_text("Zone 1 (logo), box.width")
    page.click("#ze-save")
    expect(page.locator("#ze-status")).to_contain_text("Not saved")
    # Past the page's edge: the schema allows it, the page size does not.
    page.fill("#ze-width", "250")
    page.keyboard.press("Tab")
    expect(page.locator("#ze-zone-errors")).to_contain_text("reaches 260 mm from the left edge")
    assert asset.versions.count() == 1

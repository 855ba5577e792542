"""Worst-case checks of layouts: text that can't fit, logos below the
minimum size, zones over the base's own content, text below AA contrast."""

import dataclasses

import pytest
from PIL import Image

from assets.rendering import Logo, contrast_ratio, synthetic_brands, worst_case_problems
from assets.rendering.checks import LONG_NAME, png_logo
from tests.assets.rendering.conftest import context_for, image_bytes

EMPTY_AREA = {"x": 20, "y": 150, "width": 120, "height": 30}
OVER_HEADING = {"x": 20, "y": 25, "width": 100, "height": 25}


def text_zone(box, content="{partner.name}", **extra):
    return {"type": "text", "box": box, "content": content, "size": 12, "min_size": 10, **extra}


def problems(base_pdf, zones, brand, **kwargs):
    return worst_case_problems(
        base=base_pdf,
        zones=zones,
        kind="pdf",
        cases=[("Case", context_for(brand))],
        min_logo_mm=kwargs.pop("min_logo_mm", 15),
        **kwargs,
    )


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_zone_in_an_empty_area_with_dark_text_has_no_problem(base_pdf, brand):
    assert problems(base_pdf, [text_zone(EMPTY_AREA)], brand) == []


def test_a_name_too_long_for_a_small_zone_is_listed(base_pdf, brand):
    long = dataclasses.replace(brand, name=LONG_NAME)
    small = {"x": 20, "y": 150, "width": 30, "height": 6}
    found = problems(base_pdf, [text_zone(small, label="Company")], long)
    assert [(p.zone, p.case) for p in found] == [("Zone 1 (text) “Company”", "Case")]
    assert "Does not fit even at its minimum size (10)" in found[0].message


def test_a_logo_drawn_below_the_minimum_size_is_listed(base_pdf, brand):
    zones = [{"type": "logo", "box": {"x": 20, "y": 150, "width": 12, "height": 12}}]
    found = problems(base_pdf, zones, brand)
    assert len(found) == 1 and "smallest allowed is 15 mm" in found[0].message
    # The same box with a 12 mm minimum is fine.
    assert problems(base_pdf, zones, brand, min_logo_mm=12) == []


def test_a_very_tall_logo_in_a_wide_low_box_is_too_small(base_pdf, brand):
    tall = dataclasses.replace(brand, logo=Logo.from_png(png_logo(100, 400)))
    zones = [{"type": "logo", "box": {"x": 20, "y": 150, "width": 60, "height": 12}}]
    assert problems(base_pdf, zones, brand) == []  # a 3:1 logo is drawn 36 x 12 mm
    found = problems(base_pdf, zones, tall)
    assert "3.0 × 12.0 mm" in found[0].message


def test_a_zone_over_drawn_text_of_the_base_pdf_is_listed(base_pdf, brand):
    found = problems(base_pdf, [text_zone(OVER_HEADING), text_zone(EMPTY_AREA)], brand)
    covering = [p for p in found if "Covers text or drawings" in p.message]
    assert [p.zone for p in covering] == ["Zone 1 (text)"]
    assert "page 1 of the base" in covering[0].message


def test_a_zone_on_all_pages_is_checked_on_every_page(brand):
    from tests.assets.rendering.conftest import make_base_pdf

    # Page 2 is blank, so a zone on page 2 covers nothing.
    base = make_base_pdf(3)
    on_two = text_zone(OVER_HEADING, page=2)
    assert "page 2 of the base" in problems(base, [on_two], brand)[0].message
    blank = make_base_pdf(2, blank=True)
    assert problems(blank, [text_zone(OVER_HEADING, page="all")], brand) == []


def test_a_pale_brand_colour_gives_a_contrast_problem(base_pdf, brand):
    pale = dataclasses.replace(brand, primary_color="#f4f1e8")
    zone = text_zone(EMPTY_AREA, color="primary")
    assert problems(base_pdf, [zone], brand) == []
    found = problems(base_pdf, [zone], pale)
    assert len(found) == 1
    assert "#f4f1e8 on #ffffff" in found[0].message and "4.5:1" in found[0].message


def test_large_text_needs_3_to_1(base_pdf, brand):
    grey = dataclasses.replace(brand, primary_color="#8a8a8a")  # about 3.4:1 on white
    small = text_zone(EMPTY_AREA, color="primary")
    large = text_zone(EMPTY_AREA, color="primary", size=20, min_size=20)
    assert problems(base_pdf, [small], grey)
    assert problems(base_pdf, [large], grey) == []


def test_image_bases_are_checked_in_pixels(brand):
    image = Image.new("RGB", (600, 300), (20, 20, 60))
    base = image_bytes(image, "PNG")
    zones = [
        text_zone({"x": 20, "y": 20, "width": 300, "height": 60}, color="#333333", size=30),
        {"type": "logo", "box": {"x": 400, "y": 20, "width": 40, "height": 40}},
    ]
    found = worst_case_problems(
        base=base,
        zones=zones,
        kind="image",
        cases=[("Case", context_for(brand))],
        min_logo_mm=15,
        image_px_per_mm=300 / 25.4,
    )
    messages = " ".join(p.message for p in found)
    assert "contrast" in messages  # dark grey on navy
    assert "smallest allowed is 15 mm" in messages  # 40 px at 300 dpi is 3.4 mm


def test_synthetic_brands_reach_the_extremes(brand):
    named = dict(synthetic_brands(brand))
    assert len(named["Synthetic: very long name"].name) > 100
    assert len(named["Synthetic: very long address"].address_lines) == 4
    wide = named["Synthetic: very wide logo (10:1)"].logo
    tall = named["Synthetic: very tall logo (1:4)"].logo
    assert wide.width / wide.height == 10 and tall.height / tall.width == 4
    assert contrast_ratio(named["Synthetic: pale brand colours"].primary_color, "#ffffff") < 1.2


def test_an_invalid_layout_reports_its_problems(base_pdf, brand):
    found = problems(base_pdf, [{"type": "text", "box": {}}], brand)
    assert found and found[0].zone == "Layout"

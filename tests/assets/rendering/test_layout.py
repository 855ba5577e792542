import pytest

from assets.rendering import check_fit, layout_schema, layout_variables, validate_layout
from tests.assets.rendering.conftest import context_for

TEXT = {
    "type": "text",
    "box": {"x": 10, "y": 10, "width": 80, "height": 10},
    "content": "{partner.name}",
    "size": 14,
    "min_size": 8,
}


def test_schema_is_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(layout_schema())


def test_valid_layout_has_no_errors():
    zones = [
        TEXT,
        {
            "type": "logo",
            "page": "all",
            "box": {"x": 0, "y": 0, "width": 5, "height": 5},
            "variant": "dark",
        },
        {"type": "qr", "page": 2, "box": {"x": 0, "y": 0, "width": 5, "height": 5}},
    ]
    assert validate_layout(zones, kind="pdf", field_names=set(), page_count=3) == []
    assert layout_variables(zones) == {"partner.name", "partner.logo_dark", "partner.qr"}


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ({**TEXT, "type": "banner"}, "Zone 1, type: 'banner' is not one of"),
        ({**TEXT, "page": 0}, 'Zone 1 (text), page: page must be "first", "all", a page number'),
        ({**TEXT, "font": "Comic Sans"}, "Zone 1 (text), font:"),
        ({**TEXT, "color": "red;}"}, "colour must be #rrggbb"),
        ({**TEXT, "box": {"x": 1, "y": 1, "width": 0, "height": 1}}, "box.width"),
        ({k: v for k, v in TEXT.items() if k != "content"}, "'content' is a required property"),
        ({**TEXT, "onclick": "x"}, "Additional properties are not allowed"),
        ({**TEXT, "content": "{partner.fax}"}, "Zone 1 (text): unknown placeholder {partner.fax}"),
        ({**TEXT, "content": "{field.nope}"}, "unknown placeholder {field.nope}"),
        ({**TEXT, "content": "{partner.logo}"}, "is a picture"),
        ({**TEXT, "min_size": 20}, "min_size (20) is larger than size (14)"),
        ({**TEXT, "page": 5}, "page 5 does not exist (the PDF has 3)"),
    ],
)
def test_layout_errors_are_readable(zone, message):
    errors = validate_layout([zone], kind="pdf", field_names={"headline"}, page_count=3)
    assert any(message in error for error in errors), errors


def test_not_a_list_and_unknown_resource():
    assert validate_layout({"zones": []}, kind="pdf", field_names=set()) == [
        "The layout must be a JSON list of zones."
    ]
    image_zone = {
        "type": "image",
        "resource": "badge",
        "box": {"x": 0, "y": 0, "width": 5, "height": 5},
    }
    assert (
        "no picture called “badge”"
        in validate_layout([image_zone], kind="image", field_names=set(), resource_names={"other"})[
            0
        ]
    )


def test_check_fit_warns_the_admin(brand):
    long_name = brand.__class__(**{**brand.__dict__, "name": "Very Long Company " * 12})
    warnings = check_fit([TEXT], context_for(long_name))
    assert warnings and "company name" in warnings[0] and "too long" in warnings[0]
    assert check_fit([TEXT], context_for(brand)) == []


@pytest.mark.parametrize(
    ("color", "parsed"),
    [("#ABC", "#aabbcc"), ("#12AbEf", "#12abef"), ("primary", "primary"), (None, "#000000")],
)
def test_zone_colours_are_normalised(color, parsed):
    from assets.rendering.layout import parse_zones

    zone = TEXT if color is None else {**TEXT, "color": color}
    assert validate_layout([zone], kind="pdf", field_names=None) == []
    assert parse_zones([zone])[0].color == parsed


def test_a_page_list_draws_the_zone_on_those_pages_only():
    from assets.rendering.layout import parse_zones

    zone = {**TEXT, "page": [3, 1]}
    assert validate_layout([zone], kind="pdf", field_names=set(), page_count=3) == []
    (parsed,) = parse_zones([zone])
    assert [parsed.on_page(i) for i in range(4)] == [True, False, True, False]
    assert parsed.page_numbers(3) == [1, 3]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ([], "a list of different page numbers"),
        ([1, 1], "a list of different page numbers"),
        ([0, 2], "a list of different page numbers"),
        ([2, 5, 7], "Zone 1 (text): pages 5, 7 do not exist (the PDF has 3)."),
    ],
)
def test_bad_page_lists_are_refused(page, message):
    errors = validate_layout([{**TEXT, "page": page}], kind="pdf", field_names=set(), page_count=3)
    assert any(message in error for error in errors), errors


def test_a_box_outside_the_image_is_refused():
    zone = {"type": "logo", "box": {"x": 800, "y": 500, "width": 150, "height": 50}}
    errors = validate_layout([zone], kind="image", field_names=set(), page_sizes=[(900, 600)])
    assert errors == [
        "Zone 1 (logo): the box reaches 950 px from the left edge, but the image is 900 px wide."
    ]
    taller = {"type": "logo", "box": {"x": 0, "y": 590, "width": 10, "height": 11}}
    assert validate_layout([taller], kind="image", field_names=set(), page_sizes=[(900, 600)]) == [
        "Zone 1 (logo): the box reaches 601 px from the top edge, but the image is 600 px tall."
    ]
    inside = {"type": "logo", "box": {"x": 750, "y": 500, "width": 150, "height": 100}}
    assert validate_layout([inside], kind="image", field_names=set(), page_sizes=[(900, 600)]) == []


def test_a_box_is_checked_against_every_page_it_is_drawn_on():
    sizes = [(210, 297), (297, 210), (210, 297)]  # page 2 is landscape
    tall = {"type": "logo", "page": "all", "box": {"x": 10, "y": 200, "width": 20, "height": 20}}
    assert validate_layout([tall], kind="pdf", field_names=set(), page_sizes=sizes) == [
        "Zone 1 (logo): the box reaches 220 mm from the top edge, but page 2 is 210 mm tall."
    ]
    for page in ("first", 3, [1, 3]):
        zone = {**tall, "page": page}
        assert validate_layout([zone], kind="pdf", field_names=set(), page_sizes=sizes) == []


def test_layout_problems_name_the_zone():
    from assets.rendering import LayoutProblem, layout_problems

    zones = [TEXT, {**TEXT, "size": 1}, {**TEXT, "content": "{partner.fax}"}]
    problems = layout_problems(zones, kind="pdf", field_names=set())
    assert [p.zone for p in problems] == [1]
    assert "Zone 2 (text), size" in problems[0].message
    zones[1] = TEXT
    assert layout_problems(zones, kind="pdf", field_names=set()) == [
        LayoutProblem(2, "Zone 3 (text): unknown placeholder {partner.fax}.")
    ]
    assert layout_problems("x", kind="pdf", field_names=set())[0].zone is None

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
        ({**TEXT, "page": 0}, 'Zone 1 (text), page: page must be "first", "all" or a page'),
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
